import { clusterNowSeconds, deriveJobView, type StoredJob } from "@/lib/replication/job-view";

// The inputs the job rules read, behind one small type. Status, lag and over-RPO come from the
// shared job view (lib/replication/job-view.ts), so the RPO alert and the badge never disagree.

export { clusterNowSeconds };

export type JobRowForAlerts = StoredJob & { id: string; clusterId: string };

export type JobAlertFacts = {
  jobRowId: string;
  jobId: string;
  vmid: number;
  source: string | null;
  target: string;
  status: string;
  statusMessage: string;
  failCount: number;
  error: string | null;
  /** Cluster clock seconds of the newest replica; null when never synced. */
  lastSync: number | null;
  lagSeconds: number | null;
  rpoSeconds: number;
  overRpo: boolean;
  removalScheduled: boolean;
};

export function jobAlertFacts(job: JobRowForAlerts, context: { clusterNow: number; targetOnline: boolean | null }): JobAlertFacts {
  const view = deriveJobView(job, context);
  return {
    jobRowId: job.id,
    jobId: job.jobId,
    vmid: job.vmid,
    source: job.source,
    target: job.target,
    status: view.status,
    statusMessage: view.message,
    failCount: job.failCount,
    error: job.error,
    lastSync: job.lastSync,
    lagSeconds: view.lagSeconds,
    rpoSeconds: view.rpoSeconds,
    overRpo: view.overRpo,
    removalScheduled: job.removeJob !== null,
  };
}
