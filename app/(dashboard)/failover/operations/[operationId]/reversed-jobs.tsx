"use client";

import { useMutation } from "@tanstack/react-query";
import { RefreshCw } from "lucide-react";
import { StatusBadge } from "@/components/status-badge";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { ReversedJobView } from "@/lib/failover/queries";
import { sendJson } from "@/lib/http/fetch-json";

/** After the move: the turned-around job, whether its first sync back succeeded, and "Replicate now". */
export function ReversedJobs({ jobs, canRunJobs }: { jobs: ReversedJobView[]; canRunJobs: boolean }) {
  if (jobs.length === 0) return null;
  return (
    <ul className="grid gap-3">
      {jobs.map((j) => (
        <ReversedJob key={j.jobId} job={j} canRunJobs={canRunJobs} />
      ))}
    </ul>
  );
}

function ReversedJob({ job, canRunJobs }: { job: ReversedJobView; canRunJobs: boolean }) {
  const run = useMutation({ mutationFn: () => sendJson(`/api/replication/${job.jobRowId}/run`, "POST", {}) });
  const verdict = job.syncedSinceMove
    ? { tone: "ok" as const, text: "Synced back since the move" }
    : job.error && job.status === "failing"
      ? { tone: "fail" as const, text: "Sync back failing" }
      : { tone: "unknown" as const, text: "No sync back yet" };
  return (
    <li className="grid gap-2 rounded-md border p-3" data-testid="reversed-job">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">
          Job {job.jobId}: {job.direction}
        </span>
        <StatusBadge status={verdict.tone}>{verdict.text}</StatusBadge>
      </div>
      <p className="text-muted-foreground text-sm">{job.statusMessage ?? "Waiting for the next poll of the cluster."}</p>
      {canRunJobs && job.jobRowId && (
        <div>
          <Button variant="outline" size="sm" onClick={() => run.mutate()} disabled={run.isPending}>
            <RefreshCw aria-hidden /> Replicate now
          </Button>
        </div>
      )}
      {run.isSuccess && <p className="text-sm">Proxmox runs job {job.jobId} at its next scheduler tick (within a minute); this page shows the result.</p>}
      {run.error && (
        <Alert variant="destructive">
          <AlertDescription>{run.error.message}</AlertDescription>
        </Alert>
      )}
    </li>
  );
}
