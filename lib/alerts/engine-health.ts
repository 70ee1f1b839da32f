import type { PrismaClient } from "@/prisma/generated/client";
import { EVALUATE_EVERY_MS, OUTBOX_TICK_MS } from "./engine";
import type { AlertEngineJob } from "./engine-lease";

export type AlertEngineHealth = {
  job: AlertEngineJob;
  /** failing: the last run failed; silent: no run succeeded for a few of its intervals (no process runs it, or every run hangs). */
  status: "ok" | "failing" | "silent" | "never-ran";
  lastOkAt: string | null;
  failures: number;
  lastFailure: string | null;
  lastFailureAt: string | null;
};

/** A job that has not succeeded for this many of its intervals is silent. */
const SILENT_AFTER_INTERVALS = 3;
const INTERVAL_MS: Record<AlertEngineJob, number> = { evaluate: EVALUATE_EVERY_MS, deliver: OUTBOX_TICK_MS * 4 };

/**
 * How the alert engine's jobs went, whichever process ran them (engine-lease.ts records each
 * run), so the Alerts page never shows "no alerts" while the rules are not being evaluated.
 */
export async function readAlertEngineHealth(db: PrismaClient, now: Date): Promise<AlertEngineHealth[]> {
  const rows = await db.alertEngineRun.findMany();
  return (["evaluate", "deliver"] as const).map((job): AlertEngineHealth => {
    const row = rows.find((r) => r.name === job);
    const failures = row?.failures ?? 0;
    const lastOk = row?.lastOkAt ?? null;
    const status =
      failures > 0 ? "failing" : !lastOk ? "never-ran" : now.getTime() - lastOk.getTime() > SILENT_AFTER_INTERVALS * INTERVAL_MS[job] ? "silent" : "ok";
    return { job, status, lastOkAt: lastOk?.toISOString() ?? null, failures, lastFailure: row?.lastFailure ?? null, lastFailureAt: row?.lastFailureAt?.toISOString() ?? null };
  });
}
