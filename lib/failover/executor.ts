import crypto from "node:crypto";
import type { FailoverDeps } from "./deps";
import { advanceOperation } from "./engine";

export type ExecutorDeps = FailoverDeps & {
  tickMs?: number;
  holder?: string;
  /** How long an executor owns an operation without renewing; a restarted one takes over after it. */
  leaseMs?: number;
  onError?: (operationId: string, error: unknown) => void;
};

export type Executor = { holder: string; trigger(): void; stop(): Promise<void>; tick(): Promise<void> };

/**
 * Runs every running operation on the server, one pass per operation at a time, under a lease
 * in the database so two app instances never run the same operation. Nothing is kept in
 * memory that the database does not hold: a new executor resumes where the last one stopped.
 */
export function startFailoverExecutor(deps: ExecutorDeps, options: { autostart?: boolean } = {}): Executor {
  const holder = deps.holder ?? `failover-${crypto.randomUUID()}`;
  const leaseMs = deps.leaseMs ?? 20_000;
  const inFlight = new Map<string, Promise<void>>();
  let stopped = false;

  const runOne = async (operationId: string, clusterId: string) => {
    const now = new Date(deps.now());
    const { count } = await deps.db.failoverOperation.updateMany({
      where: { id: operationId, state: "running", OR: [{ leaseHolder: null }, { leaseHolder: holder }, { leaseExpiresAt: { lt: now } }] },
      data: { leaseHolder: holder, leaseExpiresAt: new Date(now.getTime() + leaseMs) },
    });
    if (count === 0) return;
    const cluster = await deps.db.cluster.findUnique({ where: { id: clusterId } });
    if (!cluster) return;
    // The app's shared client of the cluster (lib/clusters/cluster-clients): not ours to close.
    let client;
    try {
      client = deps.clientFor(cluster);
    } catch (error) {
      // A removed credential or a broken pin: say so on the operation instead of only in the log.
      const why = error instanceof Error ? error.message : String(error);
      await deps.db.failoverOperation.update({ where: { id: operationId }, data: { summary: `Waiting: cannot connect to ${cluster.name}: ${why}` } });
      throw error;
    }
    await deps.db.failoverOperation.updateMany({ where: { id: operationId, state: "running", summary: { startsWith: "Waiting: " } }, data: { summary: null } });
    // Keep going while passes make progress (several phases per tick), but yield regularly.
    for (let i = 0; i < 5 && !stopped; i++) {
      const pass = await advanceOperation(deps, operationId, client);
      if (pass.state !== "running" || !pass.progressed) break;
    }
  };

  const tick = async () => {
    const running = await deps.db.failoverOperation.findMany({ where: { state: "running" }, select: { id: true, clusterId: true } });
    const runs: Promise<void>[] = [];
    for (const op of running) {
      if (inFlight.has(op.id)) continue;
      const run = runOne(op.id, op.clusterId)
        .catch((error) => deps.onError?.(op.id, error))
        .finally(() => inFlight.delete(op.id));
      inFlight.set(op.id, run);
      runs.push(run);
    }
    await Promise.all(runs);
  };

  const loop = options.autostart === false ? undefined : setInterval(() => {
    if (!stopped) tick().catch((error) => deps.onError?.("*", error));
  }, deps.tickMs ?? 2000);

  return {
    holder,
    tick,
    trigger() {
      if (!stopped) void tick().catch((error) => deps.onError?.("*", error));
    },
    async stop() {
      stopped = true;
      if (loop) clearInterval(loop);
      await Promise.allSettled(inFlight.values());
    },
  };
}
