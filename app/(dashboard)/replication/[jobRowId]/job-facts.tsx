import { LagBar } from "@/components/lag-bar";
import { LocalTime } from "@/components/local-time";
import { ScheduleText } from "@/components/schedule-text";
import { Card, CardContent } from "@/components/ui/card";
import { formatBytes } from "@/lib/replication/format-bytes";
import { formatAgo, formatSeconds, formatUntil } from "@/lib/replication/format-time";
import type { JobDetail } from "@/lib/replication/job-queries";
import { describeCalendarEvent, validateCalendarEvent } from "@/lib/schedule/calendar-event";
import { RpoDialog } from "./rpo-dialog";

export function JobFacts({ detail, canManage }: { detail: JobDetail; canManage: boolean }) {
  const { job, runs } = detail;
  const now = job.clusterNow;
  const throughput = median(runs.flatMap((r) => (r.bytesPerSecond === null ? [] : [r.bytesPerSecond])));
  const words = validateCalendarEvent(job.schedule).ok ? describeCalendarEvent(job.schedule) : null;
  return (
    <Card className="py-4">
      <CardContent className="px-4">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-4 sm:grid-cols-2 lg:grid-cols-4">
          <Fact label="Lag / RPO">
            <LagBar lagSeconds={job.lagSeconds} rpoSeconds={job.rpoSeconds} />
            <span className="text-muted-foreground mt-1 flex items-center gap-2 text-xs">
              {job.rpoIsDefault ? "Default RPO from the schedule" : "RPO set by an operator"}
              {canManage && <RpoDialog jobRowId={job.id} rpoOverride={job.rpoOverride} defaultHint={job.rpoSeconds} />}
            </span>
          </Fact>
          <Fact label="Last successful sync">
            {formatAgo(job.lastSync, now)}
            <Sub>
              <LocalTime at={job.lastSync} />
            </Sub>
          </Fact>
          <Fact label="Next sync">
            {job.disabled ? "Disabled" : formatUntil(job.nextSync, now)}
            <Sub>{job.nextSync && job.nextSync > 1 ? <LocalTime at={job.nextSync} /> : "Not scheduled"}</Sub>
          </Fact>
          <Fact label="Schedule">
            <ScheduleText schedule={job.schedule} />
            {words && <Sub>{words}</Sub>}
          </Fact>
          <Fact label="Direction">
            {job.source ?? job.guestNode ?? "?"} → {job.target}
            <Sub>Guest runs on {job.guestNode ?? "an unknown node"}</Sub>
          </Fact>
          <Fact label="Last run">
            {formatSeconds(job.duration)}
            <Sub>
              {job.failCount > 0 ? <span className="text-status-fail">{job.failCount} failed attempt(s) in a row</span> : "No failures since the last success"}
            </Sub>
          </Fact>
          <Fact label="Throughput">
            {throughput === null ? "—" : `${formatBytes(throughput)}/s`}
            <Sub>{job.rate ? `Limited to ${job.rate} MB/s` : "No rate limit"} · median of recent runs, from their logs</Sub>
          </Fact>
          <Fact label="Comment">{job.comment || <span className="text-muted-foreground">None</span>}</Fact>
        </dl>
        {job.error && (
          <p data-testid="job-error" className="border-status-fail/30 bg-status-fail/10 text-status-fail mt-4 rounded-md border p-3 font-mono text-xs break-words whitespace-pre-wrap">
            {job.error}
          </p>
        )}
      </CardContent>
    </Card>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-0.5">
      <dt className="text-muted-foreground text-xs font-medium">{label}</dt>
      <dd className="flex flex-col items-start text-sm">{children}</dd>
    </div>
  );
}

function Sub({ children }: { children: React.ReactNode }) {
  return <span className="text-muted-foreground text-xs">{children}</span>;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}
