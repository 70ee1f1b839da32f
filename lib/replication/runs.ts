import type { JobState } from "./types";

/** What one poll saw of one job: the owner's state fields that describe runs. */
export type JobSnapshot = Pick<JobState, "last_sync" | "last_try" | "fail_count" | "error" | "duration" | "pid"> & {
  id: string;
};

export type RunOutcome = "ok" | "failed" | "unknown";
export type SyncKind = "full" | "incremental" | "unknown";

/**
 * `start` is the run's start time (Proxmox's start_time: last_try while it runs, last_sync after
 * a success, the replication snapshot's timestamp). It is unique per job, so consumers upsert
 * runs on (jobId, start) and replaying events is harmless.
 */
export type RunStartedEvent = { type: "run-started"; jobId: string; start: number };
export type RunFinishedEvent = {
  type: "run-finished";
  jobId: string;
  start: number;
  /** start + duration when the duration is known. */
  end: number | null;
  durationSeconds: number | null;
  outcome: RunOutcome;
  error: string | null;
  syncKind: SyncKind;
};
export type RunEvent = RunStartedEvent | RunFinishedEvent;

type FinishedRun = Omit<RunFinishedEvent, "type" | "jobId">;

/** Message for a run whose process vanished without writing a result (killed, node crash). */
export const ABORTED_RUN_ERROR = "run ended without recording a result (pvesr process gone)";

/** A failed run whose own error text a later attempt overwrote before any poll read it. */
export const OVERWRITTEN_ERROR = "run failed; a later attempt overwrote its error before it was read";

/**
 * The node that ran the previous poll's run went offline before this state was read: `lastSeenAt`
 * is the cluster clock of its last answer. A run it left without a result was cut off by its
 * death (pvesr died with it; with HA its guest may be running elsewhere by now).
 */
export type NodeLoss = {
  node: string;
  lastSeenAt: number;
  /** The current state is that node's own, read after it came back (not a new owner's after HA recovery). */
  answeredAgain?: boolean;
};

/** The reason a run cut off by its node's death is recorded with. */
export function nodeLossError(loss: NodeLoss): string {
  return `${loss.node} went offline during the run`;
}

/**
 * The runs Proxmox performed between two polls of one job, from state transitions
 * (pve-guest-common Replication.pm run_replication, ReplicationState.pm record_job_start/_end):
 * a run start writes `pid` and `last_try = start`; success writes `last_sync = start` (possibly
 * while `pid` is still set, before cleanup), then `fail_count = 0`, `duration`, and drops `pid`;
 * failure increments `fail_count`, sets `error` and `duration`, and drops `pid`.
 *
 * Every finished run is preceded by its run-started event (in this call or an earlier one),
 * including a run that started and finished between two polls. At most three runs are
 * identifiable per transition: the one running at the previous poll, the latest attempt, and
 * the latest success; further failures in between leave no start time behind and are not
 * reported. schedule_now sets last_try to 0, which is not a run. A run may be finished again
 * with a corrected outcome (upsert it). Outcome "unknown": a run replaced by later attempts,
 * one of which succeeded, so its own result is gone. syncKind "full" means the first success
 * after a poll that showed last_sync 0; when the poller missed several runs the full one may be
 * an earlier one, so prefer detectSyncKindFromLog when the run's log was fetched.
 *
 * First observation (`previous` undefined): a running sync is reported as started, and the
 * last finished attempt (started + finished, syncKind "unknown"), since it really happened;
 * upserting on (jobId, start) keeps a restarted poller from duplicating it.
 *
 * Idempotent: `detectRunEvents(s, s)` is empty for every snapshot.
 *
 * `lost`: the node whose answer `previous` was went offline since. The run it had in flight, if
 * it ended without a result, is recorded as failed with nodeLossError and an end at the node's
 * last answer (its real end is somewhere between that and the death, which no one recorded).
 * When the node answers again itself, an attempt it started after its last answer and left
 * without a result died with it too (it started at most a moment before the death).
 */
export function detectRunEvents(previous: JobSnapshot | undefined, current: JobSnapshot, lost?: NodeLoss): RunEvent[] {
  if (previous === undefined) return detectFirstObservation(current);

  const runs = new Map<number, { started: boolean; result?: FinishedRun }>();
  const latest = current.last_try;
  const inFlight = previous.pid !== undefined && previous.last_try > 0 ? previous.last_try : null;

  if (inFlight !== null && !(latest === inFlight && current.pid !== undefined)) {
    const result =
      latest === inFlight
        ? describeFinishedLatest(current, previous, syncKindAfter(previous.last_sync, inFlight))
        : describeSupersededRun(inFlight, previous, current);
    runs.set(inFlight, { started: false, result: lost && endedWithoutResult(result) ? cutOffByNodeLoss(inFlight, lost) : result });
  }

  if (latest > 0 && latest > previous.last_try) {
    const result = current.pid === undefined ? describeFinishedLatest(current, previous, syncKindAfter(previous.last_sync, latest)) : undefined;
    const diedWithNode = lost?.answeredAgain && result?.error === ABORTED_RUN_ERROR;
    runs.set(latest, { started: true, result: diedWithNode ? cutOffByNodeLoss(latest, lost) : result });
  } else if (
    latest > 0 &&
    latest === previous.last_try &&
    inFlight === null &&
    current.pid === undefined &&
    current.fail_count > previous.fail_count
  ) {
    // The failure was written after a poll that already saw the attempt without pid (reported
    // then as aborted); report it again with its error so the upsert corrects the outcome.
    runs.set(latest, { started: false, result: describeFinishedLatest(current, undefined, "unknown") });
  }

  // A success that was neither in flight before nor is the latest attempt ran entirely between
  // the polls, and a later attempt (failed, or still running) has replaced last_try since.
  const lastSync = current.last_sync;
  if (lastSync > previous.last_sync && lastSync !== inFlight && !runs.has(lastSync)) {
    const kind: SyncKind = previous.last_sync === 0 ? "full" : "incremental";
    runs.set(lastSync, { started: true, result: finished(lastSync, undefined, "ok", null, kind) });
  }

  const events: RunEvent[] = [];
  for (const [start, run] of [...runs].sort((a, b) => a[0] - b[0])) {
    if (run.started) events.push({ type: "run-started", jobId: current.id, start });
    if (run.result) events.push({ type: "run-finished", jobId: current.id, ...run.result });
  }
  return events;
}

/**
 * Full or incremental from the run's log (Replication.pm logs `full sync '<volid>'` or
 * `incremental sync '<volid>'` per volume). More precise than the state: a job whose guest got
 * a new disk sends that volume in full even though the job synced before.
 */
export function detectSyncKindFromLog(lines: readonly string[]): SyncKind {
  let incremental = false;
  for (const line of lines) {
    if (/\bfull sync '/.test(line)) return "full";
    if (/\bincremental sync '/.test(line)) incremental = true;
  }
  return incremental ? "incremental" : "unknown";
}

function detectFirstObservation(current: JobSnapshot): RunEvent[] {
  const jobId = current.id;
  if (current.pid !== undefined) {
    return current.last_try > 0 ? [{ type: "run-started", jobId, start: current.last_try }] : [];
  }
  if (current.last_try > 0) {
    return [
      { type: "run-started", jobId, start: current.last_try },
      { type: "run-finished", jobId, ...describeFinishedLatest(current, undefined, "unknown") },
    ];
  }
  // schedule_now zeroed last_try; with fail_count 0 the last run was the last success.
  if (current.last_sync > 0 && current.fail_count === 0) {
    const finished = describeFinishedLatest({ ...current, last_try: current.last_sync }, undefined, "unknown");
    return [
      { type: "run-started", jobId, start: current.last_sync },
      { type: "run-finished", jobId, ...finished },
    ];
  }
  return [];
}

/**
 * The run that started at `current.last_try` and has ended: its result is the current state.
 * An attempt that left fail_count and last_sync as the previous poll saw them wrote no result
 * (record_job_end never ran), so `error` and `duration` still belong to an older run.
 */
function describeFinishedLatest(current: JobSnapshot, previous: JobSnapshot | undefined, successKind: SyncKind): FinishedRun {
  const start = current.last_try;
  if (current.last_sync === start) return finished(start, current.duration, "ok", null, successKind);
  const noResult =
    current.fail_count === 0 ||
    (previous !== undefined && current.fail_count === previous.fail_count && current.last_sync === previous.last_sync);
  if (noResult) return finished(start, undefined, "failed", ABORTED_RUN_ERROR, "unknown");
  return finished(start, current.duration, "failed", current.error ?? null, "unknown");
}

/** The run that was in flight at the previous poll and was followed by another attempt. */
function describeSupersededRun(start: number, previous: JobSnapshot, current: JobSnapshot): FinishedRun {
  if (previous.last_sync === start || current.last_sync === start) {
    const kind = previous.last_sync === start ? "unknown" : syncKindAfter(previous.last_sync, start);
    return finished(start, undefined, "ok", null, kind);
  }
  // last_sync only moves forward to a run's start, so a success of this run would show as
  // last_sync >= start; still below it means this run failed (error text was overwritten).
  if (current.last_sync < start) return finished(start, undefined, "failed", OVERWRITTEN_ERROR, "unknown");
  return finished(start, undefined, "unknown", null, "unknown");
}

function endedWithoutResult(run: FinishedRun): boolean {
  return run.outcome === "failed" && (run.error === ABORTED_RUN_ERROR || run.error === OVERWRITTEN_ERROR);
}

function cutOffByNodeLoss(start: number, lost: NodeLoss): FinishedRun {
  return { start, end: Math.max(start, lost.lastSeenAt), durationSeconds: null, outcome: "failed", error: nodeLossError(lost), syncKind: "unknown" };
}

function finished(
  start: number,
  duration: number | undefined,
  outcome: RunOutcome,
  error: string | null,
  syncKind: SyncKind,
): FinishedRun {
  const known = duration !== undefined && Number.isFinite(duration) && duration >= 0;
  return {
    start,
    end: known ? start + duration : null,
    durationSeconds: known ? duration : null,
    outcome,
    error,
    syncKind: outcome === "ok" ? syncKind : "unknown",
  };
}

/**
 * A success's kind from the last_sync before it: none means the whole guest was sent. When the
 * previous poll already showed last_sync at this run's start (written before cleanup, while
 * `pid` is still set), what came before is no longer visible.
 */
function syncKindAfter(previousLastSync: number, start: number): SyncKind {
  if (previousLastSync === start) return "unknown";
  return previousLastSync === 0 ? "full" : "incremental";
}
