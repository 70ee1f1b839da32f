import { UserError } from "@/lib/auth/users";
import type { PrismaClient } from "@/prisma/generated/client";
import { isAutomaticHold } from "./failback-types";
import { FINISHED_STATES, type OperationState } from "./types";

// The operator's hands on a running operation. Only the operator who started it may act;
// everyone else may watch. Pause and abandon are honoured by the executor between steps.

export type OperationControl = "pause" | "resume" | "abandon";

export async function controlOperation(db: PrismaClient, operationId: string, userId: string, control: OperationControl) {
  const op = await db.failoverOperation.findUnique({ where: { id: operationId } });
  if (!op) throw new UserError("This failover operation does not exist.");
  if (op.createdById !== userId && !isAutomaticHold(op)) {
    throw new UserError(`${op.createdByLabel} holds this operation since ${op.createdAt.toISOString()}; you may watch it but not act on it.`);
  }
  const state = op.state as OperationState;
  if (FINISHED_STATES.includes(state)) throw new UserError(`This operation has already ended (${state}).`);
  switch (control) {
    case "pause":
      if (state === "paused") throw new UserError("This operation is already paused.");
      await db.failoverOperation.update({ where: { id: op.id }, data: { pauseRequested: true } });
      return { op, message: "Pausing after the step in flight finishes." };
    case "resume":
      if (state !== "paused" && !op.pauseRequested) throw new UserError("This operation is not paused.");
      await db.failoverOperation.update({ where: { id: op.id }, data: { state: "running", pauseRequested: false } });
      return { op, message: "Resumed: the next step re-reads Proxmox before it acts." };
    case "abandon":
      await db.failoverOperation.update({ where: { id: op.id }, data: { state: "running", abandonRequested: true, pauseRequested: false } });
      return { op, message: "Abandoning after the step in flight finishes. Steps that took effect are not undone." };
  }
}
