import { formatDuration } from "./format-duration";
import type { JobConfig, JobState } from "./types";

export const JOB_STATUSES = [
  "syncing",
  "ok",
  "late",
  "failing",
  "waiting-target",
  "never-synced",
  "disabled",
  "removal-scheduled",
  "stale",
] as const;
export type JobStatusName = (typeof JOB_STATUSES)[number];

/**
 * pvescheduler forks a replication run about every 60 s and runs a node's jobs one after the
 * other (pve-manager PVE/Service/pvescheduler.pm, /var/lock/pvesr.lck), so a due job normally
 * starts within a tick; two ticks of slack before calling it late.
 */
export const DEFAULT_LATE_GRACE_SECONDS = 120;

export type JobStatusInput = {
  config: JobConfig;
  /**
   * The owner's state: this cycle's answer when `ownerReadable`, else the last known one (null if
   * never read). A readable owner that does not list the job yet is passed as null: Proxmox
   * itself treats a job without state as all zeros (ReplicationState.pm extract_job_state).
   */
  state: JobState | null;
  /** Whether the owner node answered `GET /nodes/{owner}/replication` this cycle. */
  ownerReadable: boolean;
  /** Cluster time at which `state` was read; says how old stale values are. */
  stateReadAt?: number | null;
  /** Whether the target is an online cluster member (`/cluster/status`); null when unknown. */
  targetOnline: boolean | null;
  /** Current cluster time. */
  now: number;
  /** The job's RPO target; null when none is set and none derives from the schedule. */
  rpoSeconds: number | null;
  lateGraceSeconds?: number;
  /**
   * When the guest started on its current node after a recovery turned this job around (Proxmox
   * restarts the job's state at last_sync 0 there): everything written since has no copy, so
   * with no sync yet the lag counts from this moment instead of being unknown.
   */
  unprotectedSince?: number | null;
};

export type JobStatus = {
  status: JobStatusName;
  /** now − last_sync (clamped at 0 against node clock skew); null when never synced or unknown. */
  lagSeconds: number | null;
  rpoSeconds: number | null;
  /** Lag above the RPO, whatever the status (a disabled or stale job can be over RPO too). */
  overRpo: boolean;
  /** When Proxmox retries a failing job; null unless status is "failing". */
  nextRetryAt: number | null;
  /**
   * The node's next_sync when it is a real time: not 0 (none), 1 (removal), nor computed from
   * last_try 0 (new job or schedule_now, due at the next scheduler tick: a time in 1970).
   */
  nextSyncAt: number | null;
  /** Seconds since the state was read; set only for "stale". */
  staleSeconds: number | null;
  /**
   * The cluster time at which the lag passes the RPO (last sync + RPO; lag − RPO = now − this);
   * null when the lag or the RPO is unknown. Unlike the lag it does not move with the clock, so
   * it can be stored and sorted on (the overview's "lag against RPO").
   */
  overRpoAt: number | null;
  /**
   * For "ok" only: the cluster time after which these same inputs derive "late" (the lag passes
   * the RPO, or the due run is overdue past the grace); null for every other status, which the
   * clock alone never changes. A stored status read at a later clock is "late" when that clock
   * is past this time: how the overview filters and counts in SQL without deriving every job.
   */
  lateAt: number | null;
  message: string;
};

const EMPTY_STATE: JobState = { last_sync: 0, last_try: 0, next_sync: 0, fail_count: 0 };

/**
 * Derives one status per job. Precedence, first match wins:
 * 1. removal-scheduled: `remove_job` set (config, readable even if the owner is down);
 * 2. disabled: `disable` set (config);
 * 3. stale: the owner node could not be read, so every state field below is old;
 * 4. syncing: `pid` present (a retry of a failing job shows as syncing, like the GUI);
 * 5. waiting-target: the target is offline, or failing with next_sync 0, which Proxmox only
 *    computes when the target is not an online member (ReplicationState.pm job_status);
 * 6. failing: fail_count > 0 (retry on the 5/10/15/30-minute ladder);
 * 7. never-synced: last_sync 0 (the initial full sync has not succeeded yet);
 * 8. late: lag above the RPO, or next_sync passed by more than the grace;
 * 9. ok.
 * `overRpo` is reported independently of the status so alerts need not parse it.
 * The poller calls this at each read; pages, alerts and metrics read a stored job through
 * `deriveJobView` (job-view.ts), which calls this with the same inputs at their clock.
 */
export function deriveJobStatus(input: JobStatusInput): JobStatus {
  const { config, now, rpoSeconds } = input;
  const state = input.state ?? (input.ownerReadable ? EMPTY_STATE : null);
  const since = state && state.last_sync > 0 ? state.last_sync : state && input.unprotectedSince ? input.unprotectedSince : null;
  const lag = since !== null ? Math.max(0, now - since) : null;
  const base = {
    lagSeconds: lag,
    rpoSeconds,
    overRpo: lag !== null && rpoSeconds !== null && lag > rpoSeconds,
    nextRetryAt: null,
    nextSyncAt: state && state.next_sync > 1 && state.last_try > 0 ? state.next_sync : null,
    staleSeconds: null,
    overRpoAt: since !== null && rpoSeconds !== null ? since + rpoSeconds : null,
    lateAt: null,
  };
  const result = (status: JobStatusName, message: string, extra: Partial<JobStatus> = {}): JobStatus => ({
    status,
    ...base,
    ...extra,
    message,
  });
  const lastSync =
    lag === null ? "never synced" : state && state.last_sync > 0 ? `last sync ${formatDuration(lag)} ago` : `no copy back to ${config.target} yet, unprotected for ${formatDuration(lag)}`;

  if (config.remove_job) {
    const data = config.remove_job === "full" ? `deleting the replica on ${config.target}` : `keeping the replica on ${config.target}`;
    return result("removal-scheduled", `Removal scheduled, ${data}`);
  }
  if (config.disable) return result("disabled", `Disabled, ${lastSync}`);

  if (!input.ownerReadable || state === null) {
    const readAt = input.stateReadAt ?? null;
    const age = state !== null && readAt !== null ? Math.max(0, now - readAt) : null;
    const owner = config.source ? `Owner node ${config.source}` : "The owner node";
    const values = age === null ? "no status known" : `values from ${formatDuration(age)} ago, ${lastSync}`;
    return result("stale", `${owner} cannot be read; ${values}`, { staleSeconds: age });
  }

  if (state.pid !== undefined) {
    const running = state.last_try > 0 ? ` for ${formatDuration(now - state.last_try)}` : "";
    return result("syncing", state.last_sync > 0 ? `Syncing${running}, ${lastSync}` : `Initial full sync running${running}`);
  }

  const failing = state.fail_count > 0;
  if (input.targetOnline === false || (failing && state.next_sync === 0)) {
    const why = failing
      ? `failed ${state.fail_count}× and Proxmox does not retry until it is back`
      : "the next run will fail";
    return result("waiting-target", `Target ${config.target} is offline; ${why}; ${lastSync}`);
  }

  if (failing) {
    // schedule_now zeroes last_try, making the retry due at the next tick rather than in 1970.
    const computed = Math.max(state.next_sync, computeRetryAt(state.last_try, state.fail_count));
    const retryAt = state.last_try === 0 ? now : computed;
    const when = retryAt > now ? `retry in ${formatDuration(retryAt - now)}` : "retry due now";
    const error = firstLine(state.error) ?? "no error text";
    return result("failing", `Failed ${state.fail_count}×: ${error}; ${when}; ${lastSync}`, { nextRetryAt: retryAt });
  }

  const next = describeNextRun(state, now);
  if (state.last_sync === 0) return result("never-synced", `Initial full sync pending; ${next}`);

  if (base.overRpo) {
    return result("late", `Lag ${formatDuration(lag ?? 0)} exceeds the RPO of ${formatDuration(rpoSeconds ?? 0)}; ${next}`);
  }
  const overdue = overdueSeconds(state, now);
  const grace = input.lateGraceSeconds ?? DEFAULT_LATE_GRACE_SECONDS;
  if (overdue > grace) {
    return result("late", `Run overdue by ${formatDuration(overdue)} (node busy with other jobs?); ${lastSync}`);
  }
  // The two rules above, turned around: the first moment either holds with the same state.
  const lateAt = Math.min(base.overRpoAt ?? Infinity, state.next_sync > 1 && state.last_try !== 0 ? state.next_sync + grace : Infinity);
  return result("ok", `${capitalize(lastSync)}; ${next}`, { lateAt: Number.isFinite(lateAt) ? lateAt : null });
}

/**
 * When Proxmox retries a failing job: last_try + 5, 10, 15 minutes, then every 30 minutes
 * (ReplicationState.pm job_status; the schedule is ignored while failing). Only meaningful
 * while the target is an online member; otherwise Proxmox sets next_sync 0 and waits.
 */
export function computeRetryAt(lastTry: number, failCount: number): number {
  return lastTry + 60 * (failCount <= 3 ? 5 * failCount : 30);
}

/**
 * How long a due run has been waiting. Zero when nothing is scheduled, and after schedule_now,
 * which sets last_try to 0 so next_sync becomes the schedule's first event after 1970: the run
 * is due at the next tick, not 56 years late.
 */
function overdueSeconds(state: JobState, now: number): number {
  if (state.next_sync <= 1 || state.last_try === 0) return 0;
  return Math.max(0, now - state.next_sync);
}

function describeNextRun(state: JobState, now: number): string {
  if (state.last_try === 0 && state.next_sync > 0) return "run due now";
  if (state.next_sync === 0) return "no run scheduled";
  if (state.next_sync <= now) return "run due now";
  return `next run in ${formatDuration(state.next_sync - now)}`;
}

function firstLine(text: string | undefined): string | null {
  const line = text?.split("\n").find((l) => l.trim() !== "");
  return line === undefined ? null : line.trim();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
