import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatDuration } from "@/lib/replication/format-duration";
import type { OverviewHeadline } from "@/lib/replication/queries";
import { cn } from "@/lib/utils";

export function HeadlineCards({ headline }: { headline: OverviewHeadline }) {
  const { jobs, worst } = headline;
  const worstRatio = worst ? worst.lagSeconds / worst.rpoSeconds : 0;
  return (
    <section aria-label="Summary" className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Stat title="Protected guests" value={headline.protectedGuests} note={`${headline.unprotectedGuests} not replicated`} />
      <Stat
        title="Jobs"
        value={jobs.total}
        note={
          <span className="flex flex-wrap gap-x-2">
            <span className="text-status-ok">{jobs.ok} ok</span>
            <span className={cn(jobs.late > 0 && "text-status-warn")}>{jobs.late} late</span>
            <span className={cn(jobs.failing > 0 && "text-status-fail")}>{jobs.failing} failing</span>
            <span>{jobs.stale} stale</span>
          </span>
        }
      />
      <Stat title="Need attention" value={jobs.failing + jobs.late + jobs.stale} tone={jobs.failing ? "fail" : jobs.late + jobs.stale ? "warn" : "ok"} note="failing, late or stale" />
      <Stat
        title="Worst lag vs RPO"
        value={worst ? `${Math.round(worstRatio * 100)}%` : "—"}
        tone={worstRatio > 1 ? "fail" : worstRatio > 0.8 ? "warn" : "ok"}
        note={
          worst ? (
            <Link href={`/replication/${worst.id}`} className="hover:underline">
              {worst.guestName ?? worst.jobId} · {formatDuration(worst.lagSeconds)} of {formatDuration(worst.rpoSeconds)}
            </Link>
          ) : (
            "No synced job yet"
          )
        }
      />
    </section>
  );
}

function Stat({ title, value, note, tone }: { title: string; value: React.ReactNode; note: React.ReactNode; tone?: "ok" | "warn" | "fail" }) {
  return (
    <Card className="gap-2 py-4">
      <CardHeader className="px-4">
        <CardDescription>{title}</CardDescription>
        <CardTitle className={cn("text-2xl tabular-nums", tone === "fail" && "text-status-fail", tone === "warn" && "text-status-warn")}>{value}</CardTitle>
      </CardHeader>
      <CardContent className="text-muted-foreground px-4 text-xs">{note}</CardContent>
    </Card>
  );
}
