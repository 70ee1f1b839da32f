import type { PrismaClient } from "@/prisma/generated/client";

/**
 * Takes or renews the poll lease of a cluster. One conditional UPDATE (or one INSERT guarded by
 * the primary key) decides, so two app instances racing for the same cluster cannot both win:
 * SQLite serialises writers, and the loser sees zero rows changed or a unique violation.
 */
export async function acquireLease(db: PrismaClient, clusterId: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const taken = await db.pollerLease.updateMany({
    where: { clusterId, OR: [{ holder }, { expiresAt: { lt: now } }] },
    data: { holder, expiresAt },
  });
  if (taken.count === 1) return true;
  try {
    await db.pollerLease.create({ data: { clusterId, holder, expiresAt } });
    return true;
  } catch {
    return false; // held by another poller (or created by it a moment ago)
  }
}

export async function releaseLease(db: PrismaClient, clusterId: string, holder: string): Promise<void> {
  await db.pollerLease.deleteMany({ where: { clusterId, holder } });
}
