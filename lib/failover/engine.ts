import { logger } from "@/lib/logger";
import { PveBusinessError, PveError, PveParameterError, PvePermissionError, PveUnreachableError, PveTimeoutError } from "@/lib/proxmox/errors";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import type { FailoverOperation, FailoverStep, Prisma } from "@/prisma/generated/client";
import { recordOperationAudit } from "./audit";
import { failbackSummary } from "./failback-summary";
import type { FailoverDeps } from "./deps";
import { releaseGuestLocks } from "./lock";
import type { StepContext, StepHandler } from "./step-types";
import { STEP_HANDLERS } from "./steps";
import { FINISHED_STEP_STATES, IN_FLIGHT_STEP_STATES, type StepKind, type StepState } from "./types";

// The engine: one pass over a running operation moves each active guest's current step one
// phase further (check → act → verify). Every phase is written to the database before and after
// it talks to Proxmox, so any pass can be the first after a restart.

type Step = FailoverStep;

/** Steps whose success means a guest moved: a migration, a recovered configuration, HA's recovery followed. */
const MOVING_STEPS: readonly string[] = ["migrate", "move-config", "follow-ha"];
type Op = FailoverOperation & { steps: Step[] };

export type PassResult = { state: string; progressed: boolean };

export async function advanceOperation(deps: FailoverDeps, operationId: string, client: ProxmoxClient): Promise<PassResult> {
  const op = await loadOperation(deps, operationId);
  if (!op || op.state !== "running") return { state: op?.state ?? "missing", progressed: false };
  const inFlight = op.steps.some((s) => IN_FLIGHT_STEP_STATES.includes(s.state as StepState));
  if (op.abandonRequested && !inFlight) return { state: await abandon(deps, op), progressed: true };
  if (op.pauseRequested && !inFlight) {
    await deps.db.failoverOperation.update({ where: { id: op.id }, data: { state: "paused", pauseRequested: false } });
    await recordOperationAudit(deps.db, op, "failover.pause", "success", { note: "Paused between steps; nothing is in flight." }, nowDate(deps));
    return { state: "paused", progressed: true };
  }
  const holding = op.pauseRequested || op.abandonRequested;
  const lanes = groupLanes(op.steps);
  let active = lanes.filter((l) => laneStarted(l) && !laneFinished(l)).length;
  let progressed = false;
  for (const lane of lanes) {
    if (laneFinished(lane)) continue;
    if (!laneStarted(lane)) {
      if (holding || active >= op.parallelism) continue;
      active++;
    }
    const step = lane.find((s) => !FINISHED_STEP_STATES.includes(s.state as StepState)) as Step;
    // Pause and abandon take effect between steps: never start a new one while they are asked for.
    if (holding && step.state === "pending") continue;
    progressed = (await runStepSafely(deps, op, step, client)) || progressed;
  }
  const after = await loadOperation(deps, operationId);
  if (after && groupLanes(after.steps).every(laneFinished)) return { state: await finish(deps, after), progressed: true };
  return { state: after?.state ?? "missing", progressed };
}

function loadOperation(deps: FailoverDeps, id: string): Promise<Op | null> {
  return deps.db.failoverOperation.findUnique({ where: { id }, include: { steps: { orderBy: { seq: "asc" } } } });
}

/** Steps of one guest form a lane (in seq order); operation-wide steps (vmid 0) come first. */
export function groupLanes(steps: Step[]): Step[][] {
  const lanes = new Map<number, Step[]>();
  for (const s of [...steps].sort((a, b) => a.seq - b.seq)) {
    const lane = lanes.get(s.vmid) ?? [];
    lane.push(s);
    lanes.set(s.vmid, lane);
  }
  return [...lanes.values()];
}

const laneStarted = (lane: Step[]) => lane.some((s) => s.state !== "pending");
// A lane ends when all its steps ended or one failed (the rest of that guest is not attempted).
const laneFinished = (lane: Step[]) => lane.some((s) => s.state === "failed") || lane.every((s) => FINISHED_STEP_STATES.includes(s.state as StepState));

async function runStepSafely(deps: FailoverDeps, op: Op, step: Step, client: ProxmoxClient): Promise<boolean> {
  try {
    return await runStep(deps, op, step, client);
  } catch (error) {
    // Unreadable Proxmox (node busy, network) is not a verdict: the step stays where it is and
    // is tried again next pass, until its deadline.
    const message = `Could not reach Proxmox: ${error instanceof Error ? error.message : String(error)}; trying again.`;
    logger.warn({ operationId: op.id, step: step.kind, vmid: step.vmid, err: error }, "Failover step could not read Proxmox");
    await deps.db.failoverStep.update({ where: { id: step.id }, data: { message } });
    await failIfOverdue(deps, op, step);
    return false;
  }
}

async function runStep(deps: FailoverDeps, op: Op, step: Step, client: ProxmoxClient): Promise<boolean> {
  const handler = STEP_HANDLERS[step.kind as StepKind];
  if (!handler) return markFailed(deps, op, step, `Unknown step kind ${step.kind}.`);
  const ctx = (s: Step): StepContext => ({ deps, client, op, step: s, params: JSON.parse(s.params), result: JSON.parse(s.result) as Record<string, unknown> });
  let current = step;
  if (current.state === "pending") {
    current = await update(deps, current, {
      state: "checking",
      startedAt: nowDate(deps),
      deadlineAt: new Date(deps.now() + handler.timeoutSeconds * 1000),
    });
  }
  if (current.state === "acting") {
    // The action was about to be sent (or was sent) when the previous executor stopped.
    const adopted = handler.adopt ? await handler.adopt(ctx(current)) : { adopted: false as const };
    if (adopted.adopted) {
      current = await update(deps, current, { state: "verifying", upid: adopted.upid ?? current.upid, message: adopted.message });
      await recordOperationAudit(deps.db, op, "failover.task", "success", { step: current.title, vmid: current.vmid, upid: adopted.upid ?? null, note: adopted.message }, nowDate(deps));
    } else {
      current = await update(deps, current, { state: "checking" });
    }
  }
  if (current.state === "checking") return checkAndAct(deps, op, current, handler, ctx);
  if (current.state === "verifying") return verify(deps, op, current, handler, ctx);
  return false;
}

async function checkAndAct(deps: FailoverDeps, op: Op, step: Step, handler: StepHandler, ctx: (s: Step) => StepContext): Promise<boolean> {
  const check = await handler.check(ctx(step));
  const checksJson = check.checks ? JSON.stringify(check.checks) : step.checks;
  if (check.outcome !== "wait" || check.message !== step.message) {
    await recordOperationAudit(deps.db, op, "failover.check", check.outcome === "fail" ? "failure" : "success",
      { step: step.title, vmid: step.vmid, outcome: check.outcome, message: check.message, checks: (check.checks ?? []).map((c) => `${c.name}: ${c.result}`) }, nowDate(deps));
  }
  let current = await update(deps, step, { checks: checksJson, message: check.message }, check.result);
  if (check.outcome === "fail") return markFailed(deps, op, current, check.message);
  if (check.outcome === "wait") {
    await failIfOverdue(deps, op, current);
    return false;
  }
  if (check.outcome === "already-done" || !handler.act) {
    current = await update(deps, current, { state: "verifying" });
    return verify(deps, op, current, handler, ctx);
  }
  // Intent first: a restart from here on finds `acting` and looks for what was sent.
  current = await update(deps, current, { state: "acting", actedAt: nowDate(deps) });
  let acted;
  try {
    acted = await handler.act(ctx(current));
  } catch (error) {
    if (isRefusal(error)) return markFailed(deps, op, current, `Proxmox refused: ${(error as Error).message}. Nothing changed.`);
    // Unknown whether it went out: stay in `acting`; the next pass adopts or re-checks.
    throw error;
  }
  // The UPID is stored before anything waits on it.
  current = await update(deps, current, { state: "verifying", upid: acted.upid ?? null, message: acted.message }, acted.result);
  await recordOperationAudit(deps.db, op, "failover.task", "success", { step: current.title, vmid: current.vmid, upid: acted.upid ?? null, note: acted.message }, nowDate(deps));
  return verify(deps, op, current, handler, ctx);
}

async function verify(deps: FailoverDeps, op: Op, step: Step, handler: StepHandler, ctx: (s: Step) => StepContext): Promise<boolean> {
  const v = await handler.verify(ctx(step));
  if (v.outcome === "wait") {
    const current = await update(deps, step, { message: v.message }, v.result);
    await failIfOverdue(deps, op, current);
    return true;
  }
  if (v.outcome === "fail") {
    const current = await update(deps, step, {}, v.result);
    return markFailed(deps, op, current, v.message);
  }
  await update(deps, step, { state: "done", endedAt: nowDate(deps), message: v.message }, v.result);
  if (step.kind === "migrate" || step.kind.startsWith("failback-")) deps.onClusterChanged?.(op.clusterId);
  await recordOperationAudit(deps.db, op, "failover.step", "success", { step: step.title, vmid: step.vmid, upid: step.upid, message: v.message }, nowDate(deps));
  return true;
}

async function markFailed(deps: FailoverDeps, op: Op, step: Step, message: string): Promise<boolean> {
  await update(deps, step, { state: "failed", endedAt: nowDate(deps), message });
  await recordOperationAudit(deps.db, op, "failover.step", "failure", { step: step.title, vmid: step.vmid, upid: step.upid, message }, nowDate(deps));
  return true;
}

async function failIfOverdue(deps: FailoverDeps, op: Op, step: Step): Promise<void> {
  if (!step.deadlineAt || step.deadlineAt.getTime() > deps.now()) return;
  const fresh = await deps.db.failoverStep.findUniqueOrThrow({ where: { id: step.id } });
  await markFailed(deps, op, fresh, `Gave up waiting after ${Math.round((step.deadlineAt.getTime() - (step.startedAt?.getTime() ?? 0)) / 1000)} s: ${fresh.message ?? "no answer"}`);
}

/** Proxmox answered and said no: nothing took effect, so the step fails (it is not retried). */
function isRefusal(error: unknown): boolean {
  if (!(error instanceof PveError)) return false;
  if (error instanceof PveUnreachableError || error instanceof PveTimeoutError) return false;
  return error instanceof PveBusinessError || error instanceof PveParameterError || error instanceof PvePermissionError;
}

async function finish(deps: FailoverDeps, op: Op): Promise<string> {
  const failed = op.steps.filter((s) => s.state === "failed");
  const moved = op.steps.filter((s) => MOVING_STEPS.includes(s.kind) && s.state === "done").length;
  const guests = new Set(op.steps.filter((s) => MOVING_STEPS.includes(s.kind)).map((s) => s.vmid)).size;
  const left = op.steps.filter((s) => s.kind === "leave-alone").length;
  const state = failed.length ? "failed" : "succeeded";
  deps.onClusterChanged?.(op.clusterId);
  const parts = [`${moved} of ${guests} guest(s) moved.`];
  if (left) parts.push(`${left} left alone (no replica).`);
  for (const s of failed) parts.push(`${s.title} failed: ${s.message}`);
  // A recovered guest the operator chose to leave stopped: the report says so (confirm-start.ts).
  for (const s of op.steps.filter((x) => x.kind === "confirm-start" && x.state === "done" && (JSON.parse(x.result) as { leftStopped?: boolean }).leftStopped)) parts.push(s.message ?? "");
  const summary = op.kind === "failback" ? failbackSummary(op.steps, false) : parts.join(" ");
  await deps.db.$transaction([
    deps.db.failoverStep.updateMany({ where: { operationId: op.id, state: "pending" }, data: { state: "skipped", message: "Not run: an earlier step of this guest failed." } }),
    deps.db.failoverOperation.update({ where: { id: op.id }, data: { state, endedAt: nowDate(deps), summary, leaseHolder: null, leaseExpiresAt: null } }),
    releaseGuestLocks(deps.db, op.id),
  ]);
  await recordOperationAudit(deps.db, op, "failover.finish", failed.length ? "failure" : "success", { state, summary }, nowDate(deps));
  return state;
}

async function abandon(deps: FailoverDeps, op: Op): Promise<string> {
  const tookEffect = op.steps.filter((s) => MOVING_STEPS.includes(s.kind) && s.state === "done").map((s) => s.title.replace(/^Migrate /, ""));
  const summary = op.kind === "failback"
    ? failbackSummary(op.steps, true)
    : tookEffect.length
      ? `Abandoned. Nothing was undone: ${tookEffect.join("; ")} took effect and stays so.`
      : "Abandoned before any guest moved; nothing took effect.";
  await deps.db.$transaction([
    deps.db.failoverStep.updateMany({ where: { operationId: op.id, state: { in: ["pending", "checking"] } }, data: { state: "skipped", message: "Not run: the operation was abandoned." } }),
    deps.db.failoverOperation.update({ where: { id: op.id }, data: { state: "abandoned", endedAt: nowDate(deps), summary, leaseHolder: null, leaseExpiresAt: null } }),
    releaseGuestLocks(deps.db, op.id),
  ]);
  await recordOperationAudit(deps.db, op, "failover.finish", "success", { state: "abandoned", summary }, nowDate(deps));
  return "abandoned";
}

/** Tries of the compare-and-set on `result` before giving up (a write between each read and write: never in practice). */
const RESULT_MERGE_TRIES = 5;

/**
 * Writes what this pass changed, and only that: a step's row is also written by routes while a
 * check runs (an operator's decision), and a stale copy must never overwrite them.
 * - Every column but `result`: Prisma's update sets only the columns in `data`, and the engine
 *   never names `decision`, the column routes own.
 * - `result` is one JSON object the phases add keys to: the pass's new keys (`patch`) are merged
 *   onto the row as it is now, not onto the copy read before the check, with a compare-and-set on
 *   the text just read: if anything wrote `result` in between, the UPDATE matches no row and the
 *   merge is redone on the fresh copy.
 * Why not an interactive transaction that re-reads the row: the better-sqlite3 adapter has one
 * connection, and its transaction mutex only keeps other transactions out; a route's plain query
 * runs on that same connection between our awaits, inside our BEGIN, so a read-then-write there
 * still interleaves. One conditional UPDATE is atomic in SQLite whatever runs around it, in this
 * process or another (WAL, busy_timeout). A version column would do the same with a migration.
 */
async function update(deps: FailoverDeps, step: Step, data: Prisma.FailoverStepUpdateManyMutationInput, patch?: Record<string, unknown>): Promise<Step> {
  if (!patch || Object.keys(patch).length === 0) return deps.db.failoverStep.update({ where: { id: step.id }, data });
  for (let attempt = 0; attempt < RESULT_MERGE_TRIES; attempt++) {
    const { result } = await deps.db.failoverStep.findUniqueOrThrow({ where: { id: step.id }, select: { result: true } });
    const merged = JSON.stringify({ ...(JSON.parse(result) as Record<string, unknown>), ...patch });
    const { count } = await deps.db.failoverStep.updateMany({ where: { id: step.id, result }, data: { ...data, result: merged } });
    if (count === 1) return deps.db.failoverStep.findUniqueOrThrow({ where: { id: step.id } });
  }
  throw new Error(`The result of step ${step.title} kept changing while it was written (${RESULT_MERGE_TRIES} tries); the step is tried again next pass.`);
}

function nowDate(deps: FailoverDeps): Date {
  return new Date(deps.now());
}
