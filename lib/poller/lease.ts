import Database from "better-sqlite3";
import type { PrismaClient } from "@/prisma/generated/client";

/**
 * Takes or renews the poll lease of a cluster. One conditional UPDATE (or one INSERT guarded by
 * the primary key) decides, so two app instances racing for the same cluster cannot both win:
 * SQLite serialises writers, and the loser sees zero rows changed or a unique violation. Any
 * other error (database locked, gone, corrupt) is thrown: it is a failure to report, not a
 * lease held elsewhere.
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
  } catch (error) {
    if (isUniqueViolation(error)) return false; // held by another poller (or created by it a moment ago)
    throw error;
  }
}

export async function releaseLease(db: PrismaClient, clusterId: string, holder: string): Promise<void> {
  await db.pollerLease.deleteMany({ where: { clusterId, holder } });
}

/** A clean stop gives back every lease of the holder, so a restarted poller polls at once. */
export async function releaseAllLeases(db: PrismaClient, holder: string): Promise<number> {
  return (await db.pollerLease.deleteMany({ where: { holder } })).count;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

/**
 * The same release, synchronous, for a process that is exiting (`process.on("exit")` runs no
 * promises): Next.js exits on SIGTERM as soon as its own server has closed, which may be before
 * the poller's asynchronous stop has finished. Safe to run twice.
 */
export function releaseAllLeasesSync(databaseFile: string, holder: string): void {
  const sqlite = new Database(databaseFile, { timeout: 2_000 });
  try {
    sqlite.prepare('DELETE FROM "PollerLease" WHERE "holder" = ?').run(holder);
  } finally {
    sqlite.close();
  }
}
