import Link from "next/link";
import { JobStatusBadge } from "@/components/job-status-badge";
import { LagBar } from "@/components/lag-bar";
import { GuestState } from "@/components/guest-state";
import { StatusBadge } from "@/components/status-badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { noCopyYetText } from "@/lib/failover/outage";
import { formatAgo } from "@/lib/replication/format-time";
import { RecoveryNote } from "./recovery-note";
import type { GuestReplication } from "@/lib/replication/queries";

export function GuestSummary({ detail }: { detail: GuestReplication }) {
  const { guest, jobs } = detail;
  const active = jobs.filter((j) => !j.disabled && !j.removeJob);
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      {detail.recovery && (
        <div className="lg:col-span-3">
          <RecoveryNote recovery={detail.recovery} />
        </div>
      )}
      <Card className="py-4">
        <CardHeader className="px-4">
          <CardTitle className="text-base">Guest</CardTitle>
        </CardHeader>
        <CardContent className="px-4">
          <dl className="grid grid-cols-2 gap-3 text-sm">
            <dt className="text-muted-foreground">State</dt>
            <dd>
              <GuestState presence={detail.presence} fallback={guest.status} />
            </dd>
            <dt className="text-muted-foreground">Node</dt>
            <dd>{guest.node ?? "—"}</dd>
            <dt className="text-muted-foreground">HA</dt>
            <dd>{guest.haState ?? "Not HA-managed"}</dd>
            <dt className="text-muted-foreground">Protection</dt>
            <dd>
              {active.length === 0 ? (
                <StatusBadge status="unknown">Not replicated</StatusBadge>
              ) : (
                <StatusBadge status="ok">
                  {active.length} active job{active.length === 1 ? "" : "s"}
                </StatusBadge>
              )}
            </dd>
          </dl>
        </CardContent>
      </Card>
      <Card className="py-4 lg:col-span-2">
        <CardHeader className="px-4">
          <CardTitle className="text-base">Replicas</CardTitle>
          <CardDescription>How old the copy on each target is, against its RPO.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-3 px-4">
          {jobs.length === 0 && <p className="text-muted-foreground text-sm">No copy on any other node.</p>}
          {jobs.map((job) => (
            <div key={job.id} className="flex flex-col gap-2 rounded-md border p-3 sm:flex-row sm:items-center sm:justify-between">
              <div>
                <Link href={`/replication/${job.id}`} className="font-medium hover:underline">
                  {job.target}
                </Link>
                <p className="text-muted-foreground text-xs">
                  Job {job.jobId} ·{" "}
                  {job.lastSync
                    ? `last sync ${formatAgo(job.lastSync, job.clusterNow)}`
                    : noCopyYetText(job.target, detail.cluster.nodes.find((n) => n.name === job.target)?.online ?? null, detail.recovery !== null)}
                </p>
              </div>
              <div className="flex items-center gap-4">
                <LagBar lagSeconds={job.lagSeconds} rpoSeconds={job.rpoSeconds} className="w-40" />
                <JobStatusBadge status={job.status} message={job.statusMessage} />
              </div>
            </div>
          ))}
        </CardContent>
      </Card>
    </div>
  );
}
