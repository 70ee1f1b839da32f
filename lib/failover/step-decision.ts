import { UserError } from "@/lib/auth/users";
import type { PrismaClient } from "@/prisma/generated/client";

// The one way an operator's answer to a step that asks is stored (a recovery's start offer, a
// failback's keep/discard): FailoverStep.decision of the asking step, a column the engine never
// writes, set once. The conditional UPDATE makes a concurrent second click change nothing.

export async function storeStepDecision(db: PrismaClient, step: { id: string; vmid: number }, decision: object): Promise<void> {
  const { count } = await db.failoverStep.updateMany({ where: { id: step.id, decision: null }, data: { decision: JSON.stringify(decision) } });
  if (count === 0) throw new UserError(`The choice for guest ${step.vmid} is already made.`);
}
