import crypto from "node:crypto";
import type { PrismaClient } from "@/prisma/generated/client";

export type SessionLimits = { maxAgeHours: number; idleMinutes: number };

export type SessionCheck = { ok: true } | { ok: false; reason: "unknown" | "ended" | "expired" | "idle" };

// Writing last-seen on every poll would cost a write per request; a minute's slack in an
// hour's idle timeout does not matter.
const TOUCH_EVERY_MS = 60_000;

export function sessionLimitsFrom(env: { SESSION_MAX_AGE_HOURS: number; SESSION_IDLE_MINUTES: number }): SessionLimits {
  return { maxAgeHours: env.SESSION_MAX_AGE_HOURS, idleMinutes: env.SESSION_IDLE_MINUTES };
}

/** A new sign-in: its absolute end is fixed here and never moves. */
export async function startSession(db: PrismaClient, userId: string, limits: SessionLimits, now: Date) {
  return db.userSession.create({
    data: {
      id: crypto.randomBytes(24).toString("base64url"),
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + limits.maxAgeHours * 3_600_000),
    },
    select: { id: true, expiresAt: true },
  });
}

/** Whether the session a token names may still be used (it must also belong to that user). */
export async function checkSession(db: PrismaClient, sessionId: string | undefined, userId: string, limits: SessionLimits, now: Date): Promise<SessionCheck> {
  if (!sessionId) return { ok: false, reason: "unknown" };
  const row = await db.userSession.findUnique({ where: { id: sessionId } });
  if (!row || row.userId !== userId) return { ok: false, reason: "unknown" };
  if (row.endedAt) return { ok: false, reason: "ended" };
  if (now >= row.expiresAt) return { ok: false, reason: "expired" };
  if (now.getTime() - row.lastSeenAt.getTime() >= limits.idleMinutes * 60_000) return { ok: false, reason: "idle" };
  return { ok: true };
}

/** Someone used the session (a page, an action, a window regaining focus): the idle clock restarts. */
export async function touchSession(db: PrismaClient, sessionId: string, now: Date): Promise<void> {
  await db.userSession.updateMany({
    where: { id: sessionId, endedAt: null, lastSeenAt: { lt: new Date(now.getTime() - TOUCH_EVERY_MS) } },
    data: { lastSeenAt: now },
  });
}

/** Sign-out: the token may live on in a copy, but the session it names is over. */
export async function endSession(db: PrismaClient, sessionId: string, reason: string, now: Date): Promise<void> {
  await db.userSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: now, endReason: reason } });
}

/** Rows past their absolute end are of no further use. */
export async function pruneSessions(db: PrismaClient, now: Date): Promise<void> {
  await db.userSession.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 24 * 3_600_000) } } });
}
