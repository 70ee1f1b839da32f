import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClusterClients } from "@/lib/clusters/cluster-clients";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import { closedPort, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { readPollerHealth } from "./health";
import { startPoller, type Poller } from "./poller";

// The poller's loop with an injected clock and client: every failure must reach the log (with
// its cluster, without a secret), the database, and so /api/health and the cluster page, within
// one interval. The timer is set far out; the tests drive ticks with tickNow().
const INTERVAL = 15;
const NEVER = 3600_000;

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
let clock: Date;
const pollers: Poller[] = [];

beforeEach(async () => {
  ({ db, fx, cleanup } = await startSimulatedCluster());
  clock = new Date(fx.sim.now() * 1000);
  // The row was added "now" on the injected clock (a never-polled cluster is unpolled from then).
  await db.cluster.update({ where: { id: "demo" }, data: { createdAt: clock } });
});
afterEach(async () => {
  for (const p of pollers.splice(0)) await p.stop();
  await cleanup();
});

type LogLine = { level: string; fields: Record<string, unknown>; message: string };
function captureLog() {
  const lines: LogLine[] = [];
  const at = (level: string) => (fields: object, message?: string) => void lines.push({ level, fields: fields as Record<string, unknown>, message: message ?? "" });
  return { lines, log: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

function start(client: () => ProxmoxClient, options: { db?: PrismaClient; holder?: string } = {}) {
  const { lines, log } = captureLog();
  const clients = createClusterClients({ build: client, db: () => db });
  const poller = startPoller({ db: options.db ?? db, clients, now: () => clock, tickMs: NEVER, intervalSeconds: INTERVAL, log, holder: options.holder });
  pollers.push(poller);
  return { poller, lines, clients };
}

const advance = (seconds: number) => {
  fx.sim.advance(seconds);
  clock = new Date(clock.getTime() + seconds * 1000);
};

describe("a poller that reports its own failures", () => {
  it("logs an unreachable cluster with its name and shows it in the health within one interval", async () => {
    const dead = await closedPort();
    const { poller, lines } = start(() => fx.client({ endpoints: [{ host: "127.0.0.1", port: dead }], retries: { attempts: 0 } }));
    await poller.tickNow();

    const warned = lines.find((l) => l.message === "Poll failed");
    expect(warned?.fields).toMatchObject({ cluster: "demo", clusterId: "demo", kind: "unreachable" });
    expect(JSON.stringify(lines)).not.toContain(fx.sim.credentials.tokenSecret);

    let health = await readPollerHealth(db, clock, { intervalSeconds: INTERVAL });
    expect(health.clusters).toEqual([
      expect.objectContaining({ name: "demo", status: "failing", consecutiveFailures: 1, lastPollOkAt: null, lastFailureAt: clock.toISOString() }),
    ]);
    expect(health.clusters[0]!.lastFailure).toMatch(/^unreachable: /);
    expect(health.loop.status).toBe("ok");

    // Each interval adds a failure; after STALE_AFTER_INTERVALS intervals without a good cycle the whole app is degraded.
    for (let i = 0; i < 3; i++) {
      advance(INTERVAL);
      await poller.tickNow();
    }
    health = await readPollerHealth(db, clock, { intervalSeconds: INTERVAL });
    expect(health.clusters[0]).toMatchObject({ status: "unpolled", consecutiveFailures: 4 });
    expect(health.status).toBe("degraded");
  });

  it("counts a cycle that crashes on our side, and clears the count after the next good cycle", async () => {
    let broken = true;
    const { poller, lines } = start(() => {
      if (broken) throw new Error("The stored secret cannot be decrypted with this server's key.");
      return fx.client();
    });
    await poller.tickNow();
    expect(lines.find((l) => l.level === "error")).toMatchObject({ message: "Poll cycle crashed", fields: { cluster: "demo" } });
    const row = await db.cluster.findUniqueOrThrow({ where: { id: "demo" } });
    expect(row).toMatchObject({ pollFailures: 1, lastErrorKind: "internal" });
    expect(row.lastPollFailure).toMatch(/^Poll cycle crashed: The stored secret cannot be decrypted/);

    broken = false;
    advance(INTERVAL);
    await poller.tickNow();
    const health = await readPollerHealth(db, clock, { intervalSeconds: INTERVAL });
    expect(health.clusters[0]).toMatchObject({ status: "ok", consecutiveFailures: 0, pollAgeSeconds: 0, lastPollOkAt: clock.toISOString() });
    // The last failure stays on record after the recovery.
    expect(health.clusters[0]!.lastFailure).toMatch(/cannot be decrypted/);
    expect(health.status).toBe("ok");
  });

  it("says a cluster removed while its cycle ran was removed, not that the cycle crashed", async () => {
    const { poller, lines } = start(() => {
      const client = fx.client();
      // The admin deletes the cluster while the cycle reads Proxmox.
      return new Proxy(client, {
        get(target, key, receiver) {
          if (key !== "call") return Reflect.get(target, key, receiver);
          return async (...args: Parameters<ProxmoxClient["call"]>) => {
            await db.cluster.deleteMany({ where: { id: "demo" } });
            return target.call(...args);
          };
        },
      });
    });
    await poller.tickNow();
    expect(lines.filter((l) => l.level === "error")).toEqual([]);
    expect(lines.find((l) => l.message === "Cluster removed during its poll cycle")?.fields).toMatchObject({ clusterId: "demo" });
  });

  it("records a loop that cannot read its clusters instead of stopping silently", async () => {
    const failingDb = new Proxy(db, {
      get(target, key, receiver) {
        if (key !== "cluster") return Reflect.get(target, key, receiver);
        return new Proxy(target.cluster, {
          get: (delegate, method, r) => (method === "findMany" ? () => Promise.reject(new Error("SQLITE_BUSY: database is locked")) : Reflect.get(delegate, method, r)),
        });
      },
    });
    const { poller, lines } = start(() => fx.client(), { db: failingDb });
    await poller.tickNow();
    expect(lines.find((l) => l.message === "Poller tick failed")?.level).toBe("error");
    const health = await readPollerHealth(db, clock, { intervalSeconds: INTERVAL });
    expect(health.loop).toMatchObject({ status: "failing", consecutiveFailures: 2, lastFailure: "SQLITE_BUSY: database is locked" });
    expect(health.status).toBe("degraded");
  });

  it("reads a lease the database cannot give as a failure, not as another poller's lease", async () => {
    const brokenLeases = new Proxy(db, {
      get(target, key, receiver) {
        if (key !== "pollerLease") return Reflect.get(target, key, receiver);
        return { updateMany: () => Promise.resolve({ count: 0 }), create: () => Promise.reject(new Error("SQLITE_IOERR: disk I/O error")) };
      },
    });
    const { poller, lines } = start(() => fx.client(), { db: brokenLeases });
    await poller.tickNow();
    expect(lines.find((l) => l.message === "Poll cycle crashed")?.fields).toMatchObject({ cluster: "demo" });
    const health = await readPollerHealth(db, clock, { intervalSeconds: INTERVAL, clusterId: "demo" });
    expect(health.clusters[0]).toMatchObject({ status: "failing", consecutiveFailures: 1 });
    expect(health.clusters[0]!.lastFailure).toMatch(/disk I\/O error/);
  });
});

describe("the poll lease", () => {
  it("is given back on a clean stop, so the next poller polls at once", async () => {
    const first = start(() => fx.client(), { holder: "first" });
    await first.poller.tickNow();
    expect(await db.pollerLease.findUnique({ where: { clusterId: "demo" } })).toMatchObject({ holder: "first" });

    // While the first one runs, a second poller is kept out.
    const second = start(() => fx.client(), { holder: "second" });
    advance(INTERVAL);
    await second.poller.tickNow();
    expect(await db.pollerLease.findUnique({ where: { clusterId: "demo" } })).toMatchObject({ holder: "first" });
    const before = (await db.cluster.findUniqueOrThrow({ where: { id: "demo" } })).lastPollOkAt;

    await first.poller.stop();
    expect(await db.pollerLease.count()).toBe(0);
    advance(INTERVAL);
    await second.poller.tickNow();
    expect(await db.pollerLease.findUnique({ where: { clusterId: "demo" } })).toMatchObject({ holder: "second" });
    const after = (await db.cluster.findUniqueOrThrow({ where: { id: "demo" } })).lastPollOkAt;
    expect(after!.getTime()).toBeGreaterThan(before!.getTime());
    expect(first.lines.find((l) => l.message.startsWith("Poller stopped"))?.fields).toMatchObject({ released: 1 });
  });
});

describe("the shared clients", () => {
  it("keeps one client per cluster across cycles and closes it when the cluster is paused", async () => {
    let built = 0;
    const { poller, clients } = start(() => {
      built++;
      return fx.client();
    });
    for (let i = 0; i < 3; i++) {
      await poller.tickNow();
      advance(INTERVAL);
    }
    expect(built).toBe(1);
    expect(clients.size()).toBe(1);
    await db.cluster.update({ where: { id: "demo" }, data: { enabled: false } });
    await poller.tickNow();
    expect(clients.size()).toBe(0);
    await expect(clients.clientForCluster("demo")).rejects.toThrow(/paused/);
  });

  it("builds a new client when the connection settings change", async () => {
    let built = 0;
    const clients = createClusterClients({ build: () => (built++, fx.client()), db: () => db });
    const row = await db.cluster.findUniqueOrThrow({ where: { id: "demo" } });
    const a = await clients.clientForCluster("demo");
    expect(clients.clientFor({ ...row, lastPollAt: new Date() } as typeof row)).toBe(a);
    const b = clients.clientFor({ ...row, trustValue: JSON.stringify(fx.pins) });
    expect(b).not.toBe(a);
    expect(built).toBe(2);
    clients.closeAll();
  });
});
