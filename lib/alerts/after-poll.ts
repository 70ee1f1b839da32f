import type { PrismaClient } from "@/prisma/generated/client";
import type { PollerDeps } from "@/lib/poller/poller";
import { startAlertEngine, type AlertEngine } from "./engine";

export type ProcessAlertDeps = {
  db: PrismaClient;
  encryptionKey: Buffer;
  appUrl: string;
  pollIntervalSeconds?: number;
  log: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
};

/**
 * The alert engine of a process that polls or serves: the app (lib/boot.ts) and `npm run poller`
 * start it the same way. Its leases (engine-lease.ts) keep two such processes from evaluating or
 * sending at once.
 */
export function startProcessAlertEngine(deps: ProcessAlertDeps): AlertEngine {
  return startAlertEngine(deps);
}

/**
 * The poller's onCycle in every process: after each poll, evaluate that cluster's alerts (which
 * sends what they queued). Fire and forget: the engine logs and records its own failures, so a
 * broken rule or channel never blocks the poller.
 */
export function evaluateAfterPoll(engine: Pick<AlertEngine, "evaluate">): NonNullable<PollerDeps["onCycle"]> {
  return (cluster) => void engine.evaluate([cluster.id]);
}
