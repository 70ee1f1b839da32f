import "server-only";
import crypto from "node:crypto";
import { UserError } from "@/lib/auth/users";
import { getDb } from "@/lib/db/app-db";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { getServerSecrets } from "@/lib/server-secrets";
import type { PrismaClient } from "@/prisma/generated/client";
import { buildClientForCluster, isClusterRemoved, type ClusterConnectionRecord } from "./connection";

/** A cluster row as the cache needs it: the connection columns, plus `enabled` when known. */
export type ClusterClientRecord = ClusterConnectionRecord & { name?: string; enabled?: boolean };

/**
 * One Proxmox client per cluster, shared by the poller, the route handlers and the live log, so
 * a cluster has one connection pool (and, with password auth, one ticket) per process.
 *
 * - `clientForCluster(idOrRow)` is the entry point for new code (failover, alerts): it reads the
 *   row when given an id, refuses a cluster that is unknown, paused or removed (UserError), and
 *   returns the shared client.
 * - `clientFor(row)` is the same without the checks, for callers that already hold the row.
 * - The client is rebuilt when the row's connection settings change (endpoints, credential,
 *   trust pins or CA): the cache keys each client by a hash of those columns, so a poll that
 *   only moves `lastPollAt` keeps the client, and an edit takes effect on the next call.
 * - `forget(id)` closes a cluster's client (removed or paused); the poller calls
 *   `retainOnly(enabledIds)` on every tick, so a removed or paused cluster's sockets close
 *   within a second in a process that runs the poller.
 *
 * The client handed out is shared: its `close()` does nothing. A replaced client is closed only
 * once its calls in flight have ended, so an edit never cuts off a request that was running.
 */
export type ClusterClients = {
  clientForCluster(cluster: string | ClusterClientRecord): Promise<ProxmoxClient>;
  clientFor(cluster: ClusterConnectionRecord): ProxmoxClient;
  forget(clusterId: string): void;
  retainOnly(clusterIds: Iterable<string>): void;
  closeAll(): void;
  /** How many clients are open (tests and diagnostics). */
  size(): number;
};

export type ClusterClientsDeps = {
  /** Opens the sealed secret and builds a pinned client (buildClientForCluster in the app). */
  build: (cluster: ClusterConnectionRecord) => ProxmoxClient;
  /** Where `clientForCluster(id)` reads the row. */
  db: () => PrismaClient;
};

type Entry = { version: string; real: ProxmoxClient; shared: ProxmoxClient; busy: number; retired: boolean };

export function createClusterClients(deps: ClusterClientsDeps): ClusterClients {
  const entries = new Map<string, Entry>();

  const retire = (entry: Entry) => {
    entry.retired = true;
    if (entry.busy === 0) entry.real.close();
  };

  const open = (cluster: ClusterConnectionRecord): Entry => {
    const real = deps.build(cluster);
    const entry: Entry = {
      version: connectionVersion(cluster),
      real,
      busy: 0,
      retired: false,
      shared: {
        async call(call) {
          entry.busy++;
          try {
            return await real.call(call);
          } finally {
            entry.busy--;
            if (entry.retired && entry.busy === 0) real.close();
          }
        },
        activeEndpoint: () => real.activeEndpoint(),
        close: () => undefined,
      },
    };
    return entry;
  };

  const clientFor = (cluster: ClusterConnectionRecord): ProxmoxClient => {
    const version = connectionVersion(cluster);
    const cached = entries.get(cluster.id);
    if (cached && cached.version === version) return cached.shared;
    const entry = open(cluster);
    if (cached) retire(cached);
    entries.set(cluster.id, entry);
    return entry.shared;
  };

  const forget = (clusterId: string) => {
    const entry = entries.get(clusterId);
    if (!entry) return;
    entries.delete(clusterId);
    retire(entry);
  };

  return {
    clientFor,
    forget,
    async clientForCluster(cluster) {
      const row: ClusterClientRecord | null = typeof cluster === "string" ? await deps.db().cluster.findUnique({ where: { id: cluster } }) : cluster;
      if (!row) {
        if (typeof cluster === "string") forget(cluster);
        throw new UserError("This cluster is no longer connected.");
      }
      const label = row.name ?? "This cluster";
      if (isClusterRemoved(row)) {
        forget(row.id);
        throw new UserError(`${label} was removed; its credentials are gone. Edit it and enter them again to reconnect.`);
      }
      if (row.enabled === false) {
        forget(row.id);
        throw new UserError(`${label} is paused; resume it first.`);
      }
      return clientFor(row);
    },
    retainOnly(clusterIds) {
      const keep = new Set(clusterIds);
      for (const id of [...entries.keys()]) if (!keep.has(id)) forget(id);
    },
    closeAll() {
      for (const id of [...entries.keys()]) forget(id);
    },
    size: () => entries.size,
  };
}

/** The columns a client is built from; any change to them means a new client. */
function connectionVersion(cluster: ClusterConnectionRecord): string {
  const { endpoints, authKind, principal, secretSealed, trustKind, trustValue } = cluster;
  return crypto.createHash("sha256").update(JSON.stringify([endpoints, authKind, principal, secretSealed, trustKind, trustValue])).digest("hex");
}

// One cache per server process; the globalThis slot survives dev-mode module reloads.
const globalForClients = globalThis as unknown as { pveStandbyClusterClients?: ClusterClients };

/** The running app's cache: clients built with the server's encryption key, rows read from the app database. */
export function appClusterClients(): ClusterClients {
  globalForClients.pveStandbyClusterClients ??= createClusterClients({
    build: (cluster) => buildClientForCluster(cluster, { encryptionKey: getServerSecrets().encryptionKey }),
    db: getDb,
  });
  return globalForClients.pveStandbyClusterClients;
}
