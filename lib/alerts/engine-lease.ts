import type { Prisma, PrismaClient } from "@/prisma/generated/client";

/** The engine's two jobs: evaluating the rules, and sending the outbox. */
export type AlertEngineJob = "evaluate" | "deliver";

/** A lease not renewed for this long belongs to a process that died; another may take it. */
export const ALERT_LEASE_TTL_MS = 30_000;
const RENEW_EVERY_MS = ALERT_LEASE_TTL_MS / 3;

/**
 * Takes the job's lease if it is free, expired or already ours. One conditional UPDATE, or one
 * INSERT guarded by the primary key, decides (SQLite serialises writers), as for the poll leases
 * (lib/poller/lease.ts). Any other database error is thrown.
 */
export async function acquireAlertLease(db: PrismaClient, name: AlertEngineJob, holder: string, now: Date, ttlMs = ALERT_LEASE_TTL_MS): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const taken = await db.alertEngineRun.updateMany({
    where: { name, OR: [{ holder }, { holder: null }, { expiresAt: null }, { expiresAt: { lt: now } }] },
    data: { holder, expiresAt },
  });
  if (taken.count === 1) return true;
  try {
    await db.alertEngineRun.create({ data: { name, holder, expiresAt } });
    return true;
  } catch (error) {
    if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002") return false;
    throw error;
  }
}

/**
 * Gives the lease back and records how the run went, in one statement (the row stays: it holds
 * the job's health). False when the lease was no longer ours (this process stalled past the TTL).
 */
export async function releaseAlertLease(db: PrismaClient, name: AlertEngineJob, holder: string, outcome: Prisma.AlertEngineRunUpdateManyMutationInput = {}): Promise<boolean> {
  return (await db.alertEngineRun.updateMany({ where: { name, holder }, data: { ...outcome, holder: null, expiresAt: null } })).count === 1;
}

export type LeaseWaitDeps = {
  db: PrismaClient;
  holder: string;
  now: () => Date;
  /** How long to wait between attempts while another process holds the lease. */
  retryMs?: number;
  /** Stops waiting (the engine is stopping): `run` is then not called. */
  cancelled: () => boolean;
  /** A renewal failed or found the lease taken (this process stalled past the TTL). */
  onLeaseTrouble?: (error: unknown) => void;
};

/**
 * Runs `run` while holding the job's lease: waits (polling) while another process holds it,
 * renews it while `run` takes long, records the outcome as the job's health, and gives the lease
 * back. Returns `{ ran: false }` only when cancelled while waiting; `run`'s error is recorded
 * and rethrown. A crashed holder delays the others by at most ALERT_LEASE_TTL_MS.
 */
export async function withAlertLease<T>(name: AlertEngineJob, deps: LeaseWaitDeps, run: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
  const { db, holder } = deps;
  while (!(await acquireAlertLease(db, name, holder, deps.now()))) {
    if (deps.cancelled()) return { ran: false };
    await new Promise((resolve) => setTimeout(resolve, deps.retryMs ?? 100));
    if (deps.cancelled()) return { ran: false };
  }
  const renew = setInterval(() => {
    acquireAlertLease(db, name, holder, deps.now()).then(
      (held) => held || deps.onLeaseTrouble?.(new Error(`another process took the alert ${name} lease`)),
      (error: unknown) => deps.onLeaseTrouble?.(error),
    );
  }, RENEW_EVERY_MS);
  renew.unref?.();
  // The outcome is written with the release, in one statement: the job's health for the Alerts page.
  let outcome: { lastOkAt: Date; failures: 0 } | { failures: { increment: 1 }; lastFailure: string; lastFailureAt: Date };
  try {
    const value = await run();
    outcome = { lastOkAt: deps.now(), failures: 0 };
    return { ran: true, value };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    outcome = { failures: { increment: 1 }, lastFailure: text.slice(0, 500), lastFailureAt: deps.now() };
    throw error;
  } finally {
    clearInterval(renew);
    if (!(await releaseAlertLease(db, name, holder, outcome!))) deps.onLeaseTrouble?.(new Error(`the alert ${name} lease lapsed during the run; its outcome is not recorded`));
  }
}
