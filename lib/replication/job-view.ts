import { effectiveRpo } from "./effective-rpo";
import { deriveJobStatus, type JobStatusName } from "./status";
import { parseJobStatus } from "./status-display";
import type { JobConfig, JobState } from "./types";

/**
 * The columns of a stored `ReplicationJob` row a job's view is derived from: its Proxmox config,
 * the owner's state as last read, and the poller's bookkeeping (which status it derived at which
 * cluster time). Select them with `JOB_VIEW_SELECT`.
 */
export type StoredJob = {
  jobId: string;
  vmid: number;
  jobnum: number;
  source: string | null;
  target: string;
  schedule: string;
  disabled: boolean;
  removeJob: string | null;
  lastSync: number | null;
  lastTry: number | null;
  nextSync: number | null;
  duration: number | null;
  failCount: number;
  error: string | null;
  pid: number | null;
  /** Cluster time of the owner's last answer listing this job; null when never read. */
  stateClusterTime: number | null;
  /** Cluster time of the last poll that wrote this row. */
  polledAt: number | null;
  /** The status the poller derived at `polledAt` ("stale" when the owner or the cluster could not be read). */
  status: string;
  statusMessage: string | null;
  /** The operator's RPO; null means the schedule's default. */
  rpoSeconds: number | null;
  /** Set after a recovery turned the job around: the lag counts from `since` until its first sync. */
  unprotected?: { since: number } | null;
};

/** Prisma `select` for the columns of `StoredJob`. */
export const JOB_VIEW_SELECT = {
  jobId: true, vmid: true, jobnum: true, source: true, target: true, schedule: true, disabled: true, removeJob: true,
  lastSync: true, lastTry: true, nextSync: true, duration: true, failCount: true, error: true, pid: true,
  stateClusterTime: true, polledAt: true, status: true, statusMessage: true, rpoSeconds: true,
  unprotected: { select: { since: true } },
} as const satisfies Record<keyof StoredJob, true | object>;

export type JobViewContext = {
  /** The cluster's clock now (our clock plus the skew measured at the last poll), Unix seconds. */
  clusterNow: number;
  /** Whether the target node is online as last polled (`targetOnlineLookup`); null when unknown. */
  targetOnline: boolean | null;
  /** The cluster's time zone as the poller stored it (Cluster.timeZone): default RPOs follow it. */
  timeZone?: string | null;
  lateGraceSeconds?: number;
};

/** One job as every page, alert and metric sees it: one computation, so a badge and its lag bar agree. */
export type JobViewFacts = {
  status: JobStatusName;
  /** clusterNow − last_sync; null when never synced or never read. */
  lagSeconds: number | null;
  /** The RPO in force (the operator's or the schedule's default). */
  rpoSeconds: number;
  rpoIsDefault: boolean;
  overRpo: boolean;
  /** next_sync when it is a real time (see `JobStatus.nextSyncAt`). */
  nextSyncAt: number | null;
  /** When Proxmox retries a failing job; null unless failing. */
  nextRetryAt: number | null;
  /** Seconds since the owner's state was read; set only for "stale". */
  staleSeconds: number | null;
  /** When the lag passes the RPO (`JobStatus.overRpoAt`): the overview's stored sort key. */
  overRpoAt: number | null;
  /** For "ok": when the same stored state turns "late" (`JobStatus.lateAt`); null otherwise. */
  lateAt: number | null;
  message: string;
};

/**
 * Derives a job's view (status, lag, over-RPO, next run, message) from its stored row at the
 * cluster's clock, by calling `deriveJobStatus` with the inputs the poller had:
 * - the owner was unreadable when the stored status is "stale" (the poller writes "stale" only
 *   then, or when the whole cluster could not be read); the known state and its read time stand;
 * - otherwise the owner answered at `polledAt`: if its answer listed the job, `stateClusterTime`
 *   equals `polledAt` and the stored state is that answer; if not, Proxmox's all-zero state applies;
 * - a disabled job or one scheduled for removal keeps the last known state (status comes from the
 *   config; only its lag depends on the state).
 * So the status shown at any clock is the one the poller would derive at that clock with the same
 * answers: between polls a job moves from ok to late as its lag grows, never showing "ok" beside
 * a lag bar past its RPO. Pure: safe for pages, alerts and metrics alike.
 */
export function deriveJobView(job: StoredJob, context: JobViewContext): JobViewFacts {
  const rpo = effectiveRpo(job, context.timeZone);
  const storedStatus = parseJobStatus(job.status);
  const everRead = job.stateClusterTime !== null;
  const listedAtLastPoll = everRead && job.stateClusterTime === job.polledAt;
  const configDecides = Boolean(job.disabled || job.removeJob);
  const ownerReadable = storedStatus !== "stale";
  const state = everRead && (!ownerReadable || listedAtLastPoll || configDecides) ? storedState(job) : null;
  const derived = deriveJobStatus({
    config: storedConfig(job),
    state,
    ownerReadable,
    stateReadAt: job.stateClusterTime,
    targetOnline: context.targetOnline,
    now: context.clusterNow,
    rpoSeconds: rpo.seconds,
    lateGraceSeconds: context.lateGraceSeconds,
    unprotectedSince: job.unprotected?.since ?? null,
  });
  // A whole-cluster read failure leaves the owner's last answer in place and says why in the row.
  const clusterUnreadable = derived.status === "stale" && listedAtLastPoll && job.statusMessage;
  return {
    status: derived.status,
    lagSeconds: derived.lagSeconds,
    rpoSeconds: rpo.seconds,
    rpoIsDefault: rpo.isDefault,
    overRpo: derived.overRpo,
    nextSyncAt: derived.nextSyncAt,
    nextRetryAt: derived.nextRetryAt,
    staleSeconds: derived.staleSeconds,
    overRpoAt: derived.overRpoAt,
    lateAt: derived.lateAt,
    message: clusterUnreadable ? `${job.statusMessage} (${derived.message})` : derived.message,
  };
}

/** Online state of each node as last polled, looked up by cluster and name; null for a node never seen. */
export function targetOnlineLookup(nodes: { clusterId: string; name: string; online: boolean }[]): (clusterId: string, node: string) => boolean | null {
  const byKey = new Map(nodes.map((n) => [`${n.clusterId}/${n.name}`, n.online]));
  return (clusterId, node) => byKey.get(`${clusterId}/${node}`) ?? null;
}

/** The cluster's clock at `now`: our clock plus the skew the last poll measured. */
export function clusterNowSeconds(now: Date, clockSkewMs: number | null | undefined): number {
  return Math.floor(now.getTime() / 1000 + (clockSkewMs ?? 0) / 1000);
}

function storedConfig(job: StoredJob): JobConfig {
  return {
    id: job.jobId, guest: job.vmid, jobnum: job.jobnum, target: job.target, source: job.source ?? undefined,
    schedule: job.schedule ?? undefined, disable: job.disabled, remove_job: job.removeJob === "local" || job.removeJob === "full" ? job.removeJob : undefined,
  };
}

/** The inverse of the poller's write: absent times and counts are 0 (ReplicationState.pm extract_job_state). */
function storedState(job: StoredJob): JobState {
  return {
    last_sync: job.lastSync ?? 0, last_try: job.lastTry ?? 0, next_sync: job.nextSync ?? 0, fail_count: job.failCount,
    error: job.error ?? undefined, duration: job.duration ?? undefined, pid: job.pid ?? undefined,
  };
}
