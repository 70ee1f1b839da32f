import { UserError } from "@/lib/auth/users";
import type { PrismaClient } from "@/prisma/generated/client";
import { storeStepDecision } from "./step-decision";
import { FAILBACK_OPERATION_KIND, isAutomaticHold, readFailbackDecision, type FailbackChoice, type FailbackDecision } from "./failback-types";
import { FINISHED_STEP_STATES, FINISHED_STATES, type OperationState, type StepState } from "./types";

// The operator's keep/discard for one guest of a failback hold: stored in the guest's
// failback-decide step (FailoverStep.decision, a column the engine never writes, as for a
// recovery's start choice), read by its next pass. Accepted only while that step asks, i.e. once
// the job is held, and once. Only the operator holding the operation decides (the engine's rule
// for every operation), or any operator when pve-standby placed the hold by itself
// (auto-hold.ts); the route checks the permission and audits it.

export async function recordFailbackChoice(
  db: PrismaClient,
  input: { operationId: string; vmid: number; choice: FailbackChoice; user: { id: string; label: string }; now: number },
): Promise<{ message: string; clusterId: string }> {
  const op = await db.failoverOperation.findUnique({ where: { id: input.operationId } });
  if (!op || op.kind !== FAILBACK_OPERATION_KIND) throw new UserError("This failback hold does not exist.");
  if (FINISHED_STATES.includes(op.state as OperationState)) throw new UserError(`This hold has already ended (${op.state}).`);
  if (op.createdById !== input.user.id && !isAutomaticHold(op)) throw new UserError(`${op.createdByLabel} holds this operation since ${op.createdAt.toISOString()}; you may watch it but not decide.`);
  const lane = await db.failoverStep.findMany({ where: { operationId: op.id, vmid: input.vmid, kind: { startsWith: "failback-" } } });
  const step = lane.find((s) => s.kind === "failback-decide");
  if (!step) throw new UserError(`Guest ${input.vmid} is not part of this hold.`);
  if (readFailbackDecision(lane)) throw new UserError(`The choice for guest ${input.vmid} is already made.`);
  if (FINISHED_STEP_STATES.includes(step.state as StepState)) throw new UserError(`The choice for guest ${input.vmid} is no longer asked (${step.message ?? step.state}).`);
  if (step.state !== "checking") throw new UserError(`The choice for guest ${input.vmid} is not asked yet: replication back to the old node is held first (${step.message ?? step.state}).`);
  const decision: FailbackDecision = { choice: input.choice, by: input.user.label, byId: input.user.id, at: new Date(input.now).toISOString() };
  await storeStepDecision(db, step, decision);
  const plan = JSON.parse(op.plan) as { failback?: { vmid: number; oldNode: string }[] };
  const oldNode = plan.failback?.find((g) => g.vmid === input.vmid)?.oldNode ?? "the old node";
  const message =
    input.choice === "keep"
      ? `Keeping ${oldNode}'s writes of guest ${input.vmid}: its volumes are renamed out of pvesr's reach before replication resumes.`
      : `Discarding ${oldNode}'s writes of guest ${input.vmid}: replication resumes and its next sync rolls ${oldNode}'s disks back.`;
  return { message, clusterId: op.clusterId };
}
