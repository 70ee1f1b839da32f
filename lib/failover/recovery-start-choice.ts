import { UserError } from "@/lib/auth/users";
import type { PrismaClient } from "@/prisma/generated/client";
import { storeStepDecision } from "./step-decision";
import { startChoiceMessage } from "./steps/confirm-start";
import { recoveryParamsSchema } from "./steps/recovery-checks";
import { FINISHED_STATES, type OperationState, type StartChoice, type StepDecision } from "./types";

// The holder's answer to a recovery's start offer: stored in the guest's confirm-start step
// (FailoverStep.decision, a column the engine never writes), read by its next pass. Accepted
// only while the offer is shown, i.e. after Proxmox listed the guest on the target: no one can
// pre-approve a start before seeing where the configuration landed.

export async function recordStartChoice(
  db: PrismaClient,
  input: { operationId: string; vmid: number; choice: StartChoice; user: { id: string; label: string }; now: number },
): Promise<{ message: string; clusterId: string }> {
  const op = await db.failoverOperation.findUnique({ where: { id: input.operationId } });
  if (!op || (op.kind !== "recovery" && op.kind !== "node-recovery")) throw new UserError("This recovery does not exist.");
  if (FINISHED_STATES.includes(op.state as OperationState)) throw new UserError(`This recovery has already ended (${op.state}).`);
  if (op.createdById !== input.user.id) throw new UserError(`${op.createdByLabel} holds this operation since ${op.createdAt.toISOString()}; you may watch it but not decide.`);
  const step = await db.failoverStep.findFirst({ where: { operationId: op.id, vmid: input.vmid, kind: "confirm-start" } });
  if (!step) throw new UserError(`Guest ${input.vmid} is not started by this recovery (it was not running before the failure, or is not part of it).`);
  if (step.decision) throw new UserError(`The choice for guest ${input.vmid} is already made.`);
  const offered = step.state === "checking" && (JSON.parse(step.result) as { offer?: boolean }).offer === true;
  if (!offered) throw new UserError(`The start of guest ${input.vmid} is not offered now (${step.message ?? step.state}).`);
  const decision: StepDecision = { choice: input.choice, by: input.user.label, byId: input.user.id, at: new Date(input.now).toISOString() };
  await storeStepDecision(db, step, decision);
  return { message: startChoiceMessage(recoveryParamsSchema.parse(JSON.parse(step.params)), decision), clusterId: op.clusterId };
}
