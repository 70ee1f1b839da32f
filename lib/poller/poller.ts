import crypto from "node:crypto";
import { setMaxListeners } from "node:events";
import type { Logger } from "pino";
import type { ClusterClients } from "@/lib/clusters/cluster-clients";
import { autoHoldAfterPoll } from "@/lib/failover/auto-hold";
import { logger as appLogger } from "@/lib/logger";
import type { Cluster, PrismaClient } from "@/prisma/generated/client";
import { HEARTBEAT_EVERY_MS, recordCycleCrash, recordStop, recordTick, startHeartbeat } from "./health";
import { acquireLease, releaseAllLeases } from "./lease";
import { clearPollRequest } from "./poll-request";
import { countingClient, recordPollCost } from "./request-count";
import { runPollCycle, type CycleResult } from "./run-cycle";

export type PollerDeps = {
  db: PrismaClient;
  /** The shared cache of clients (lib/clusters/cluster-clients.ts); its owner closes it. */
  clients: Pick<ClusterClients, "clientFor" | "retainOnly">;
  now?: () => Date;
  /** How often the loop looks for due clusters. */
  tickMs?: number;
  holder?: string;
  /** Replaces every cluster's own interval (POLL_INTERVAL_SECONDS, for tests and demos). */
  intervalSeconds?: number;
  log?: Pick<Logger, "debug" | "info" | "warn" | "error">;
  onCycle?: (cluster: Cluster, result: CycleResult, ms: number) => void;
};

export type Poller = {
  /** Cuts the cycles in flight short (nothing half-written: see runPollCycle), then gives back this poller's leases. */
  stop(): Promise<void>;
  trigger(clusterId: string): void;
  holder: string;
  /** Resolves after the next tick has run (tests: a tick without waiting for the timer). */
  tickNow(): Promise<void>;
};

/**
 * Polls every enabled cluster at its own interval, one cycle per cluster at a time, under a
 * database lease so a second app instance (or `npm run poller`) never polls the same cluster.
 * `trigger` makes a cluster due at once, which is how a change made through pve-standby shows
 * up within one poll.
 *
 * Nothing fails silently: a cycle that cannot read its cluster is logged and counted by
 * runPollCycle; a cycle that crashes (database, decryption, a bug) is logged with its cluster
 * and counted here; a tick that fails (the cluster list cannot be read) is logged and written to
 * the heartbeat. lib/poller/health.ts turns those records into /api/health and the cluster page.
 */
export function startPoller(deps: PollerDeps): Poller {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? appLogger;
  const holder = deps.holder ?? `poller-${crypto.randomUUID()}`;
  const dueAt = new Map<string, number>();
  const inFlight = new Map<string, Promise<void>>();
  let stopped = false;
  // Aborts the cycles in flight on stop, so a stopping process gives its leases back in
  // milliseconds instead of after a slow node's timeout.
  const stopping = new AbortController();
  // Every request of every cycle in flight listens on this one signal (and lets go when it ends):
  // 30 nodes read at once are 30 listeners, not a leak, so Node's warning at 11 is switched off.
  setMaxListeners(0, stopping.signal);
  let lastBeatMs = -Infinity;
  let loopFailing = false;

  const started = startHeartbeat(deps.db, holder, now()).catch((error) => {
    log.error({ holder, err: error }, "Poller could not write its heartbeat");
  });

  const pollOne = async (cluster: Cluster) => {
    const startedMs = Date.now();
    const leaseMs = Math.max(60_000, cluster.pollIntervalSeconds * 3000);
    if (!(await acquireLease(deps.db, cluster.id, holder, leaseMs, now()))) return;
    if (cluster.pollRequestedAt) await clearPollRequest(deps.db, cluster.id, cluster.pollRequestedAt, log);
    const counted = countingClient(deps.clients.clientFor(cluster));
    const result = await runPollCycle(cluster.id, { db: deps.db, client: counted.client, now, signal: stopping.signal });
    const ms = Date.now() - startedMs;
    if (stopping.signal.aborted) return;
    await recordPollCost(deps.db, cluster.id, { ms, requests: counted.requests() });
    if (result.ok) log.debug({ cluster: cluster.name, clusterId: cluster.id, jobs: result.jobs, partial: result.partial.length, ms }, "Polled");
    else log.warn({ cluster: cluster.name, clusterId: cluster.id, kind: result.failure.kind, reason: result.failure.message, ms }, "Poll failed");
    // Under this cycle's lease, so two processes never place the same hold twice.
    if (result.ok) await autoHoldAfterPoll({ db: deps.db, client: deps.clients.clientFor(cluster), now: () => now().getTime(), log }, cluster.id);
    deps.onCycle?.(cluster, result, ms);
  };

  const crashed = async (cluster: Cluster, error: unknown) => {
    // An admin removed the cluster while its cycle ran: its writes found no row. Nothing is lost
    // and nothing failed; it is said once, not reported as a crash.
    if ((await deps.db.cluster.count({ where: { id: cluster.id } }).catch(() => 1)) === 0) {
      log.info({ cluster: cluster.name, clusterId: cluster.id }, "Cluster removed during its poll cycle");
      return;
    }
    log.error({ cluster: cluster.name, clusterId: cluster.id, err: error }, "Poll cycle crashed");
    try {
      await recordCycleCrash(deps.db, cluster.id, error, now());
    } catch (recordError) {
      log.error({ cluster: cluster.name, clusterId: cluster.id, err: recordError }, "Could not record the crashed poll cycle");
    }
  };

  const beat = async (error?: unknown) => {
    const t = Date.now();
    // A healthy loop writes at most every few seconds; a failure, and the recovery after one, at once.
    if (error === undefined && !loopFailing && t - lastBeatMs < HEARTBEAT_EVERY_MS) return;
    lastBeatMs = t;
    loopFailing = error !== undefined;
    try {
      await recordTick(deps.db, holder, now(), error);
    } catch (beatError) {
      log.error({ holder, err: beatError }, "Poller could not write its heartbeat");
    }
  };

  const tick = async (): Promise<void> => {
    if (stopped) return;
    try {
      await started;
      const clusters = await deps.db.cluster.findMany({ where: { enabled: true, secretSealed: { not: "" } } });
      deps.clients.retainOnly(clusters.map((c) => c.id));
      const t = now().getTime();
      for (const cluster of clusters) {
        // A poll requested through the database (triggerPoll in any process) makes it due now.
        if (inFlight.has(cluster.id) || (!cluster.pollRequestedAt && (dueAt.get(cluster.id) ?? 0) > t)) continue;
        dueAt.set(cluster.id, t + (deps.intervalSeconds ?? cluster.pollIntervalSeconds) * 1000);
        const run = pollOne(cluster)
          .catch((error) => crashed(cluster, error))
          .finally(() => {
            inFlight.delete(cluster.id);
            // Triggered while this cycle ran (a push, a change): poll again now, not at the next tick.
            if (!stopped && (dueAt.get(cluster.id) ?? 0) <= now().getTime()) void runTick();
          });
        inFlight.set(cluster.id, run);
      }
      await beat();
    } catch (error) {
      log.error({ holder, err: error }, "Poller tick failed");
      await beat(error);
    }
  };

  let ticking: Promise<void> = tick();
  const runTick = () => (ticking = tick());
  const loop = setInterval(() => void runTick(), deps.tickMs ?? 1000);

  return {
    holder,
    trigger(clusterId) {
      dueAt.set(clusterId, 0);
      void runTick();
    },
    async tickNow() {
      await ticking;
      await runTick();
      await Promise.allSettled(inFlight.values());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(loop);
      stopping.abort();
      await ticking;
      await Promise.allSettled(inFlight.values());
      try {
        const released = await releaseAllLeases(deps.db, holder);
        await recordStop(deps.db, holder, now());
        log.info({ holder, released }, "Poller stopped; leases released");
      } catch (error) {
        // The leases then lapse on their own (at most a minute or three intervals).
        log.error({ holder, err: error }, "Poller could not release its leases on stop");
      }
    },
  };
}
