import { LocalTime } from "@/components/local-time";
import type { OutageGuestView, OutageView } from "@/lib/failover/failover-queries";
import { cn } from "@/lib/utils";

type Step = { key: string; label: string; at: number | null; detail?: string; bad?: boolean };

/**
 * HA's recovery of one guest as it happened (from the poller's FailoverEvents): node lost,
 * fenced, recovered to which node, started, job turned around. Steps not reached yet are shown
 * as waiting, so an unfinished recovery never looks finished.
 */
export function HaTimeline({ outage, guest }: { outage: OutageView; guest: OutageGuestView }) {
  const turned = guest.events.filter((e) => e.kind === "job-turned");
  const steps: Step[] = [
    { key: "lost", label: `${outage.node} lost`, at: outage.failedAt },
    { key: "fenced", label: `${outage.node} fenced`, at: guest.fencedAt },
    { key: "recovered", label: guest.recoveredTo ? `Recovered to ${guest.recoveredTo}` : "Recovered to another node", at: guest.recoveredAt, bad: Boolean(guest.problem && guest.recoveredTo) },
    { key: "started", label: guest.recoveredTo ? `Started on ${guest.recoveredTo}` : "Started", at: guest.startedAt },
    { key: "turned", label: "Replication turned around", at: guest.turnedAroundAt, detail: turned.map((e) => e.message).join("; ") || undefined },
  ];
  const failed = guest.events.find((e) => e.kind === "start-failed");
  return (
    <ol className="flex flex-col gap-1 text-sm" aria-label={`HA recovery of ${guest.sid}`} data-testid="ha-timeline">
      {steps.map((s) => (
        <li key={s.key} className="flex items-start gap-2" data-step={s.key} data-done={s.at !== null}>
          <span aria-hidden className={cn("mt-1.5 size-2 shrink-0 rounded-full", s.at === null ? "bg-muted-foreground/40" : s.bad ? "bg-status-fail" : "bg-status-ok")} />
          <span className={cn(s.at === null && "text-muted-foreground")}>
            {s.label}
            {s.at !== null ? (
              <>
                {" "}
                · <LocalTime at={s.at} />
              </>
            ) : (
              " · waiting"
            )}
            {s.detail && <span className="text-muted-foreground"> ({s.detail})</span>}
          </span>
        </li>
      ))}
      {failed && <li className="text-status-fail">{failed.message}</li>}
    </ol>
  );
}
