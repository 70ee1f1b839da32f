import { memo } from "react";
import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatDuration } from "@/lib/replication/format-duration";
import type { OverviewHeadline } from "@/lib/replication/queries";
import { JOB_STATUSES } from "@/lib/replication/status";
import { ATTENTION_STATUSES, JOB_STATUS_DISPLAY, type StatusTone } from "@/lib/replication/status-display";
import { cn } from "@/lib/utils";

const TONE_TEXT: Record<StatusTone, string> = {
  ok: "text-status-ok",
  warn: "text-status-warn",
  fail: "text-status-fail",
  unknown: "",
  syncing: "text-status-syncing",
};

/** Memoised: typing in the search box re-renders the overview, never these (the headline does not change). */
export const HeadlineCards = memo(function HeadlineCards({ headline }: { headline: OverviewHeadline }) {
  const { jobs, worst } = headline;
  const worstRatio = worst ? worst.lagSeconds / worst.rpoSeconds : 0;
  // The same grouping and words as the filter chips below (countByStatus, JOB_STATUS_DISPLAY).
  const present = JOB_STATUSES.filter((s) => jobs.byStatus[s] > 0);
  const attention = ATTENTION_STATUSES.reduce((sum, s) => sum + jobs.byStatus[s], 0);
  const attentionTone = ATTENTION_STATUSES.some((s) => jobs.byStatus[s] > 0 && JOB_STATUS_DISPLAY[s].tone === "fail") ? "fail" : attention ? "warn" : "ok";
  return (
    <section aria-label="Summary" className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Stat title="Protected guests" value={headline.protectedGuests} note={`${headline.unprotectedGuests} not replicated`} />
      <Stat
        title="Jobs"
        value={jobs.total}
        note={
          <span className="flex flex-wrap gap-x-2" data-testid="jobs-by-status">
            {present.map((s) => (
              <span key={s} className={TONE_TEXT[JOB_STATUS_DISPLAY[s].tone]}>
                {JOB_STATUS_DISPLAY[s].label} {jobs.byStatus[s]}
              </span>
            ))}
          </span>
        }
      />
      <Stat title="Need attention" value={attention} tone={attentionTone} note={listWords(ATTENTION_STATUSES.map((s) => JOB_STATUS_DISPLAY[s].label))} />
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
});

/** "A, B or C" */
function listWords(words: string[]): string {
  return words.length < 2 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
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
