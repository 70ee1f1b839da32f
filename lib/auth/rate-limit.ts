import type { Prisma, PrismaClient } from "@/prisma/generated/client";
import { auditActionSchema } from "@/lib/audit/audit-actions";
import { scrubDetails } from "@/lib/audit/record-audit";

export type LoginLimits = { perAccount: number; perAddress: number; windowMinutes: number };

/** `account: null` limits by address only (first-run setup, which has no account yet). */
export type AttemptKey = { account: string | null; ip: string };

export type AttemptGate = { allowed: true; attemptId: string } | { allowed: false; retryAt: Date };

type Tx = Prisma.TransactionClient;

/**
 * Sliding-window limit on password checks, per account and per source address, counted in
 * the database (not memory) so it holds across restarts and app instances.
 *
 * The attempt is counted *before* the password is verified, in the same transaction as the
 * check: concurrent attempts each see the ones before them, so a burst of any size gets at
 * most `perAccount` verifications. The row stays as the failure record unless the attempt
 * succeeds (then `clearAccountFailures` removes it with the account's other failures).
 */
export async function reserveAttempt(db: PrismaClient, key: AttemptKey, limits: LoginLimits, now: Date): Promise<AttemptGate> {
  const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
  return db.$transaction(async (tx) => {
    const retryAts = [await retryAtFor(tx, { ip: key.ip }, limits.perAddress, since, limits.windowMinutes)];
    if (key.account !== null) retryAts.push(await retryAtFor(tx, { email: key.account }, limits.perAccount, since, limits.windowMinutes));
    const blockedUntil = retryAts.filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
    if (blockedUntil) return { allowed: false, retryAt: blockedUntil };
    const row = await tx.loginAttempt.create({ data: { email: key.account ?? "", ip: key.ip, at: now }, select: { id: true } });
    return { allowed: true, attemptId: row.id };
  });
}

/** A successful check clears the account's failures (its own attempt included); the address keeps its count. */
export async function clearAccountFailures(db: PrismaClient, email: string, attemptId: string) {
  await db.loginAttempt.deleteMany({ where: { OR: [{ email }, { id: attemptId }] } });
}

export async function pruneLoginAttempts(db: PrismaClient, limits: LoginLimits, now: Date) {
  const before = new Date(now.getTime() - limits.windowMinutes * 60_000);
  await db.loginAttempt.deleteMany({ where: { at: { lt: before } } });
  await db.signInLockout.deleteMany({ where: { lockedUntil: { lt: before } } });
}

/**
 * Attempts refused while locked cost nothing to send, so they must not cost a row each: the
 * first refusal of a lock-out window writes one audit row, later ones raise its count.
 * (The only audit row the application ever updates, and only its count.)
 */
export async function recordLockedOutAttempt(db: PrismaClient, entry: { email: string; ip: string; retryAt: Date; now: Date }) {
  await db.$transaction(async (tx) => {
    const key = { email: entry.email, lockedUntil: entry.retryAt };
    const existing = await tx.signInLockout.findUnique({ where: { email_lockedUntil: key } });
    if (existing) {
      const attempts = existing.attempts + 1;
      await tx.signInLockout.update({ where: { id: existing.id }, data: { attempts } });
      await tx.auditEvent.update({ where: { id: existing.auditEventId }, data: { details: lockoutDetails(entry, attempts) } });
      return;
    }
    const audit = await tx.auditEvent.create({
      data: {
        at: entry.now,
        actorLabel: entry.email || "(no email)",
        actorType: "anonymous",
        action: auditActionSchema.parse("auth.signin"),
        outcome: "denied",
        details: lockoutDetails(entry, 1),
        ip: entry.ip,
      },
      select: { id: true },
    });
    await tx.signInLockout.create({ data: { ...key, attempts: 1, auditEventId: audit.id } });
  });
}

function lockoutDetails(entry: { ip: string; retryAt: Date; now: Date }, attempts: number): string {
  return JSON.stringify(scrubDetails({ reason: "rate-limited", retryAt: entry.retryAt.toISOString(), attempts, lastAt: entry.now.toISOString(), lastIp: entry.ip }));
}

// Blocked while `max` attempts sit inside the window; free again when the oldest of the
// most recent `max` attempts leaves it.
async function retryAtFor(tx: Tx, where: { email: string } | { ip: string }, max: number, since: Date, windowMinutes: number): Promise<Date | null> {
  const recent = await tx.loginAttempt.findMany({
    where: { ...where, at: { gt: since } },
    orderBy: { at: "desc" },
    take: max,
    select: { at: true },
  });
  if (recent.length < max) return null;
  const oldest = recent[recent.length - 1]!;
  return new Date(oldest.at.getTime() + windowMinutes * 60_000);
}
