import type { PrismaClient } from "@/prisma/generated/client";

export type LoginLimits = { perAccount: number; perAddress: number; windowMinutes: number };

export type LoginGate = { allowed: true } | { allowed: false; retryAt: Date };

/**
 * Sliding-window limit on failed sign-ins, per account and per source address. Counting rows
 * in the database (not memory) keeps the limit across restarts and across app instances.
 */
export async function checkLoginGate(
  db: PrismaClient,
  key: { email: string; ip: string },
  limits: LoginLimits,
  now: Date,
): Promise<LoginGate> {
  const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
  const retryAts = await Promise.all([
    retryAtFor(db, { email: key.email }, limits.perAccount, since, limits.windowMinutes),
    retryAtFor(db, { ip: key.ip }, limits.perAddress, since, limits.windowMinutes),
  ]);
  const blockedUntil = retryAts.filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
  return blockedUntil ? { allowed: false, retryAt: blockedUntil } : { allowed: true };
}

export async function recordLoginFailure(db: PrismaClient, key: { email: string; ip: string }, now: Date) {
  await db.loginAttempt.create({ data: { email: key.email, ip: key.ip, at: now } });
}

/** A successful sign-in clears the account's failures; the address keeps its count. */
export async function clearAccountFailures(db: PrismaClient, email: string) {
  await db.loginAttempt.deleteMany({ where: { email } });
}

export async function pruneLoginAttempts(db: PrismaClient, limits: LoginLimits, now: Date) {
  await db.loginAttempt.deleteMany({ where: { at: { lt: new Date(now.getTime() - limits.windowMinutes * 60_000) } } });
}

// Blocked while `max` failures sit inside the window; free again when the oldest of the
// most recent `max` failures leaves it.
async function retryAtFor(
  db: PrismaClient,
  where: { email: string } | { ip: string },
  max: number,
  since: Date,
  windowMinutes: number,
): Promise<Date | null> {
  const recent = await db.loginAttempt.findMany({
    where: { ...where, at: { gt: since } },
    orderBy: { at: "desc" },
    take: max,
    select: { at: true },
  });
  if (recent.length < max) return null;
  const oldest = recent[recent.length - 1]!;
  return new Date(oldest.at.getTime() + windowMinutes * 60_000);
}
