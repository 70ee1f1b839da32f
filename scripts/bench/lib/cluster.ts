// A `large` simulated cluster over real HTTPS, a real SQLite file, and a Proxmox client whose
// transport counts every request it sends (the figure the request benchmark reports).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { createProxmoxClient, type ProxmoxClient } from "@/lib/proxmox/client";
import { createHttpsTransport, type PveTransport } from "@/lib/proxmox/transport";
import { startServers, type RunningServers } from "@/lib/simulator/server";
import { createSimulator, type Simulator } from "@/lib/simulator/simulator";
import { createClusterRow } from "@/lib/testing/cluster-row";
import type { PrismaClient } from "@/prisma/generated/client";

const ROOT = path.resolve(__dirname, "../../..");

/** Requests sent through one transport, by path pattern (ids and node names folded). */
export type RequestCounter = { total: number; byPath: Map<string, number>; reset(): void };

export function countingTransport(inner: PveTransport): { transport: PveTransport; counter: RequestCounter } {
  const counter: RequestCounter = {
    total: 0,
    byPath: new Map(),
    reset() {
      this.total = 0;
      this.byPath.clear();
    },
  };
  return {
    counter,
    transport: {
      request(req) {
        counter.total++;
        const key = `${req.method} ${req.path.split("?")[0]!.replace(/\/nodes\/[^/]+/, "/nodes/{node}").replace(/\/replication\/\d+-\d+/, "/replication/{id}")}`;
        counter.byPath.set(key, (counter.byPath.get(key) ?? 0) + 1);
        return inner.request(req);
      },
      close: () => inner.close(),
    },
  };
}

/**
 * The `large` scenario needs about 10 guests for 9 jobs (1 in 10 guests has none); returns the
 * guest count that gives about `jobs` jobs.
 */
export function guestsForJobs(jobs: number): number {
  return Math.round(jobs / 0.9);
}

export type SimCluster = {
  sim: Simulator;
  servers: RunningServers;
  jobs: number;
  nodes: number;
  close(): Promise<void>;
  /** A new client on the cluster with its own request counter. */
  client(): { client: ProxmoxClient; counter: RequestCounter };
};

/** Starts the large scenario with a frozen clock (only `sim.advance` moves it), an hour in. */
export async function startLargeCluster(nodes: number, guests: number, options: { seed?: number; startTime?: number } = {}): Promise<SimCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-bench-sim-"));
  const sim = createSimulator({ scenario: "large", nodes, guests, seed: options.seed ?? 1, startTime: options.startTime ?? Math.floor(Date.now() / 1000) - 3600, speed: 0, authFailureDelayMs: 0 });
  sim.advance(3600);
  const servers = await startServers(sim, { port: 0, dataDir: dir });
  const clients: ProxmoxClient[] = [];
  return {
    sim,
    servers,
    jobs: sim.model.jobs.size,
    nodes: sim.nodeNames.length,
    client() {
      const trust = { kind: "fingerprint" as const, sha256: servers.endpoints.map((e) => e.fingerprint) };
      const { transport, counter } = countingTransport(createHttpsTransport({ trust, connectTimeoutMs: 5_000 }));
      const client = createProxmoxClient({
        endpoints: servers.endpoints.map((e) => ({ host: "127.0.0.1", port: e.port })),
        auth: { kind: "token", tokenId: sim.credentials.tokenId, secret: sim.credentials.tokenSecret },
        transport,
        timeouts: { requestMs: 60_000 },
      });
      clients.push(client);
      return { client, counter };
    },
    async close() {
      for (const c of clients) c.close();
      await servers.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A migrated SQLite file in a temporary folder; `close` disconnects and deletes it. */
export function createBenchDb(): { db: PrismaClient; file: string; close(): Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-bench-db-"));
  const file = path.join(dir, "bench.db");
  applyMigrations(file, path.join(ROOT, "prisma", "migrations"));
  const db = createDb(file);
  return {
    db,
    file,
    async close() {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { createClusterRow };

/** Bytes of a SQLite database: the main file plus its write-ahead log. */
export function databaseBytes(file: string): number {
  return [file, `${file}-wal`].reduce((sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
}
