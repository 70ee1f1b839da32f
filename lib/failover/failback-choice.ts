import { UserError } from "@/lib/auth/users";
import type { PrismaClient } from "@/prisma/generated/client";
import { DECISION_STEP_KIND, FAILBACK_OPERATION_KIND, decisionFromResults, isAutomaticHold, type FailbackChoice } from "./failback-types";
import { FINISHED_STEP_STATES, FINISHED_STATES, type OperationState, type StepState } from "./types";

// The operator's keep/discard for one guest of a failback hold: stored in the guest's preserve
// step (DECISION_STEP_KIND says why not the decide step), which the executor reads on its next pass. Only the operator holding the operation
// decides (the engine's rule for every operation), or any operator when pve-standby placed the
// hold by itself (auto-hold.ts); the route audits it.

export async function recordFailbackChoice(
  db: PrismaClient,
  input: { operationId: string; vmid: number; choice: FailbackChoice; user: { id: string; label: string }; now: number },
): Promise<{ message: string; clusterId: string }> {
  const op = await db.failoverOperation.findUnique({ where: { id: input.operationId } });
  if (!op || op.kind !== FAILBACK_OPERATION_KIND) throw new UserError("This failback hold does not exist.");
  if (FINISHED_STATES.includes(op.state as OperationState)) throw new UserError(`This hold has already ended (${op.state}).`);
  if (op.createdById !== input.user.id && !isAutomaticHold(op)) throw new UserError(`${op.createdByLabel} holds this operation since ${op.createdAt.toISOString()}; you may watch it but not decide.`);
  const [step, store] = await Promise.all([
    db.failoverStep.findFirst({ where: { operationId: op.id, vmid: input.vmid, kind: "failback-decide" } }),
    db.failoverStep.findFirst({ where: { operationId: op.id, vmid: input.vmid, kind: DECISION_STEP_KIND } }),
  ]);
  if (!step || !store) throw new UserError(`Guest ${input.vmid} is not part of this hold.`);
  if (FINISHED_STEP_STATES.includes(step.state as StepState)) throw new UserError(`The choice for guest ${input.vmid} is already made (${step.message ?? step.state}).`);
  if (decisionFromResults([store.result, step.result])) throw new UserError(`The choice for guest ${input.vmid} is already made.`);
  const decision = { choice: input.choice, by: input.user.label, at: Math.floor(input.now / 1000) };
  // Stored in the still-pending preserve step (DECISION_STEP_KIND), only while it is undecided: a
  // concurrent second choice changes nothing.
  const { count } = await db.failoverStep.updateMany({ where: { id: store.id, result: store.result }, data: { result: JSON.stringify({ ...(JSON.parse(store.result) as Record<string, unknown>), decision }) } });
  if (count === 0) throw new UserError("The hold changed meanwhile; reload and choose again.");
  const plan = JSON.parse(op.plan) as { failback?: { vmid: number; oldNode: string }[] };
  const oldNode = plan.failback?.find((g) => g.vmid === input.vmid)?.oldNode ?? "the old node";
  const message =
    input.choice === "keep"
      ? `Keeping ${oldNode}'s writes of guest ${input.vmid}: its volumes are renamed out of pvesr's reach before replication resumes.`
      : `Discarding ${oldNode}'s writes of guest ${input.vmid}: replication resumes and its next sync rolls ${oldNode}'s disks back.`;
  return { message, clusterId: op.clusterId };
}
