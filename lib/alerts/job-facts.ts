import { effectiveRpo } from "@/lib/replication/effective-rpo";

// The inputs the job rules read, isolated behind one small type. The computation mirrors the
// job view of lib/replication/queries.ts (cluster clock = our clock + measured skew, lag =
// cluster now − last_sync, RPO = the effective RPO) so the RPO alert and the badge agree.
// TODO(jobview): replace the body with the shared job-view helper once it lands on main.

export type JobRowForAlerts = {
  id: string;
  clusterId: string;
  jobId: string;
  vmid: number;
  source: string | null;
  target: string;
  schedule: string;
  disabled: boolean;
  removeJob: string | null;
  lastSync: number | null;
  failCount: number;
  error: string | null;
  status: string;
  statusMessage: string | null;
  rpoSeconds: number | null;
};

export type JobAlertFacts = {
  jobRowId: string;
  jobId: string;
  vmid: number;
  source: string | null;
  target: string;
  status: string;
  statusMessage: string | null;
  failCount: number;
  error: string | null;
  /** Cluster clock seconds of the newest replica; null when never synced. */
  lastSync: number | null;
  lagSeconds: number | null;
  rpoSeconds: number;
  overRpo: boolean;
  removalScheduled: boolean;
};

export function jobAlertFacts(job: JobRowForAlerts, clusterNow: number): JobAlertFacts {
  const rpo = effectiveRpo(job).seconds;
  const lag = job.lastSync ? Math.max(0, clusterNow - job.lastSync) : null;
  return {
    jobRowId: job.id,
    jobId: job.jobId,
    vmid: job.vmid,
    source: job.source,
    target: job.target,
    status: job.status,
    statusMessage: job.statusMessage,
    failCount: job.failCount,
    error: job.error,
    lastSync: job.lastSync,
    lagSeconds: lag,
    rpoSeconds: rpo,
    overRpo: lag !== null && lag > rpo,
    removalScheduled: job.removeJob !== null,
  };
}

/** The cluster's clock: ours plus the skew the last poll measured. */
export function clusterNowSeconds(now: Date, clockSkewMs: number | null): number {
  return Math.floor((now.getTime() + (clockSkewMs ?? 0)) / 1000);
}
