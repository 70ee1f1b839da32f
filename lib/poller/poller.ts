import crypto from "node:crypto";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import type { Cluster, PrismaClient } from "@/prisma/generated/client";
import { acquireLease } from "./lease";
import { runPollCycle, type CycleResult } from "./run-cycle";

export type PollerDeps = {
  db: PrismaClient;
  /** Builds (or reuses) the client of a cluster; called again when the row changes. */
  clientFor: (cluster: Cluster) => ProxmoxClient;
  now?: () => Date;
  /** How often the loop looks for due clusters. */
  tickMs?: number;
  holder?: string;
  /** Replaces every cluster's own interval (POLL_INTERVAL_SECONDS, for tests and demos). */
  intervalSeconds?: number;
  onCycle?: (cluster: Cluster, result: CycleResult, ms: number) => void;
  onError?: (cluster: Cluster, error: unknown) => void;
};

export type Poller = { stop(): Promise<void>; trigger(clusterId: string): void; holder: string };

/**
 * Polls every enabled cluster at its own interval, one cycle per cluster at a time, under a
 * database lease so a second app instance (or `npm run poller`) never polls the same cluster.
 * `trigger` makes a cluster due at once, which is how a change made through pve-standby shows
 * up within one poll.
 */
export function startPoller(deps: PollerDeps): Poller {
  const now = deps.now ?? (() => new Date());
  const holder = deps.holder ?? `poller-${crypto.randomUUID()}`;
  const dueAt = new Map<string, number>();
  const inFlight = new Map<string, Promise<void>>();
  const clients = new Map<string, { version: number; client: ProxmoxClient }>();
  let stopped = false;

  const clientFor = (cluster: Cluster) => {
    const version = cluster.updatedAt.getTime();
    const cached = clients.get(cluster.id);
    if (cached && cached.version === version) return cached.client;
    cached?.client.close();
    const client = deps.clientFor(cluster);
    clients.set(cluster.id, { version, client });
    return client;
  };

  const pollOne = async (cluster: Cluster) => {
    const started = Date.now();
    const leaseMs = Math.max(60_000, cluster.pollIntervalSeconds * 3000);
    if (!(await acquireLease(deps.db, cluster.id, holder, leaseMs, now()))) return;
    const result = await runPollCycle(cluster.id, { db: deps.db, client: clientFor(cluster), now });
    deps.onCycle?.(cluster, result, Date.now() - started);
  };

  const tick = async () => {
    const clusters = await deps.db.cluster.findMany({ where: { enabled: true } });
    const t = now().getTime();
    for (const cluster of clusters) {
      if (inFlight.has(cluster.id) || (dueAt.get(cluster.id) ?? 0) > t) continue;
      dueAt.set(cluster.id, t + (deps.intervalSeconds ?? cluster.pollIntervalSeconds) * 1000);
      const run = pollOne(cluster)
        .catch((error) => deps.onError?.(cluster, error))
        .finally(() => inFlight.delete(cluster.id));
      inFlight.set(cluster.id, run);
    }
  };

  const loop = setInterval(() => {
    if (!stopped) tick().catch(() => undefined);
  }, deps.tickMs ?? 1000);
  void tick().catch(() => undefined);

  return {
    holder,
    trigger(clusterId) {
      dueAt.set(clusterId, 0);
      if (!stopped) void tick().catch(() => undefined);
    },
    async stop() {
      stopped = true;
      clearInterval(loop);
      await Promise.allSettled(inFlight.values());
      for (const { client } of clients.values()) client.close();
    },
  };
}
