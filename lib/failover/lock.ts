import { UserError } from "@/lib/auth/users";
import type { PrismaClient } from "@/prisma/generated/client";

type Tx = Pick<PrismaClient, "failoverLock">;

export type Holder = { id: string | null; label: string };

/**
 * One operation per guest: takes every guest's lock or none (the caller's transaction rolls
 * back). A guest another operation holds is refused with who holds it and since when.
 */
export async function acquireGuestLocks(tx: Tx, clusterId: string, vmids: number[], operationId: string, holder: Holder, at: Date): Promise<void> {
  const held = await tx.failoverLock.findMany({ where: { clusterId, vmid: { in: vmids } } });
  if (held.length > 0) throw new UserError(describeHeld(held));
  try {
    await tx.failoverLock.createMany({ data: vmids.map((vmid) => ({ clusterId, vmid, operationId, holderId: holder.id, holderLabel: holder.label, acquiredAt: at })) });
  } catch (error) {
    // Another request took one of them between the read and the insert (the primary key refused it).
    const now = await tx.failoverLock.findMany({ where: { clusterId, vmid: { in: vmids } } });
    if (now.length > 0) throw new UserError(describeHeld(now));
    throw error;
  }
}

export function releaseGuestLocks(db: Pick<PrismaClient, "failoverLock">, operationId: string) {
  return db.failoverLock.deleteMany({ where: { operationId } });
}

export function findGuestLock(db: Pick<PrismaClient, "failoverLock">, clusterId: string, vmid: number) {
  return db.failoverLock.findUnique({ where: { clusterId_vmid: { clusterId, vmid } } });
}

function describeHeld(held: { vmid: number; holderLabel: string; acquiredAt: Date; operationId: string }[]): string {
  return held
    .map((h) => `Guest ${h.vmid} is held by ${h.holderLabel} since ${h.acquiredAt.toISOString()} (operation ${h.operationId}); you may watch it but not act.`)
    .join(" ");
}
