import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closedPort, recordRequests, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import { createHttpsTransport } from "@/lib/proxmox/transport";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { PrismaClient } from "@/prisma/generated/client";
import { runPollCycle } from "./run-cycle";

let db: PrismaClient;
let cleanup: () => Promise<void>;
let fx: SimulatorFixture;

beforeEach(async () => ({ db, fx, cleanup } = await startSimulatedCluster()));
afterEach(() => cleanup());

const simNow = () => new Date(fx.sim.now() * 1000);

async function pollEvery(seconds: number, steps: number, client = fx.client()) {
  for (let i = 0; i < steps; i++) {
    fx.sim.advance(seconds);
    const result = await runPollCycle("demo", { db, client, now: simNow });
    expect(result.ok).toBe(true);
  }
}

describe("a poll cycle against the simulator over HTTPS", () => {
  it("stores every job with a derived status, nodes, guests and one lag sample per job", async () => {
    await pollEvery(60, 45);
    const jobs = await db.replicationJob.findMany();
    expect(jobs).toHaveLength(fx.sim.model.jobs.size);
    const statuses = new Set(jobs.map((j) => j.status));
    expect(statuses).toContain("ok");
    expect(statuses).toContain("disabled");
    // The demo's job to a nearly full storage keeps failing (its status alternates with its retries).
    expect(jobs.some((j) => j.failCount > 0 && j.error)).toBe(true);
    expect(await db.clusterNode.count()).toBe(fx.sim.nodeNames.length);
    const storage = JSON.parse((await db.clusterNode.findFirstOrThrow({ where: { name: fx.sim.nodeNames[0] } })).storage) as { storage: string; type: string; used: number; total: number }[];
    const zfs = storage.find((s) => s.storage === "local-zfs");
    expect(zfs?.type).toBe("zfspool");
    expect(zfs!.used).toBeGreaterThan(0);
    expect(zfs!.total).toBeGreaterThan(zfs!.used);
    expect(await db.guest.count()).toBeGreaterThan(0);
    // Polled every minute, so every poll is kept (one a minute is the raw spacing).
    expect(await db.lagSample.count()).toBeGreaterThanOrEqual(jobs.length * 45);
    const cluster = await db.cluster.findUniqueOrThrow({ where: { id: "demo" } });
    expect(cluster.lastErrorKind).toBeNull();
    expect(cluster.quorate).toBe(true);
    expect(cluster.timeZone).toBe(fx.sim.model.timeZone);
  });

  it("measures lag on the cluster clock, not on ours", async () => {
    await pollEvery(60, 20);
    const job = await db.replicationJob.findFirstOrThrow({ where: { status: "ok" } });
    expect(job.stateClusterTime).toBe(Math.floor(fx.sim.now()));
    expect(job.lagSeconds).toBe(job.stateClusterTime! - job.lastSync!);
  });

  it("asks each online node once per cycle, however many jobs there are", async () => {
    const recorder = recordRequests(createHttpsTransport({ trust: { kind: "fingerprint", sha256: fx.pins }, connectTimeoutMs: 1000 }));
    const client = fx.client({ transport: recorder.transport });
    fx.sim.advance(60);
    await runPollCycle("demo", { db, client, now: simNow });
    // Logs are fetched once per finished run, on top of the state reads.
    const reads = () => recorder.log.splice(0).map((r) => r.path).filter((p) => !p.includes("/log"));
    const first = reads();
    expect(first.filter((p) => /\/nodes\/[^/]+\/replication$/.test(p))).toHaveLength(fx.sim.nodeNames.length);
    // The first cycle also reads the time zone, from one node; the next ones do not.
    expect(first.filter((p) => p.endsWith("/time"))).toEqual([`/nodes/${fx.sim.nodeNames[0]}/time`]);
    expect(first).toHaveLength(3 + fx.sim.nodeNames.length + 1);
    fx.sim.advance(60);
    await runPollCycle("demo", { db, client, now: simNow });
    expect(reads()).toHaveLength(3 + fx.sim.nodeNames.length);
  });

  it("records runs with their logs, and a failing job's error", async () => {
    await pollEvery(60, 90);
    const ok = await db.jobRun.findFirstOrThrow({ where: { outcome: "ok", log: { not: null } } });
    expect(ok.endedAt).toBeGreaterThanOrEqual(ok.startedAt);
    expect(ok.log).toMatch(/end replication job/);
    const failed = await db.jobRun.findFirst({ where: { outcome: "failed" } });
    expect(failed?.error).toBeTruthy();
  });
});

describe("faults never corrupt history", () => {
  it("records an unreachable cluster on its row, marks jobs stale and keeps every stored value", async () => {
    await pollEvery(60, 20);
    const before = await db.replicationJob.findMany({ orderBy: { jobId: "asc" } });
    const runs = await db.jobRun.count();
    const dead = fx.client({ endpoints: [{ host: "127.0.0.1", port: await closedPort() }] });
    const result = await runPollCycle("demo", { db, client: dead, now: simNow });
    expect(result).toMatchObject({ ok: false, failure: { kind: "unreachable" } });
    const cluster = await db.cluster.findUniqueOrThrow({ where: { id: "demo" } });
    expect(cluster.lastErrorKind).toBe("unreachable");
    const after = await db.replicationJob.findMany({ orderBy: { jobId: "asc" } });
    expect(after.map((j) => j.lastSync)).toEqual(before.map((j) => j.lastSync));
    expect(after.filter((j) => !j.disabled && !j.removeJob).every((j) => j.status === "stale")).toBe(true);
    expect(await db.jobRun.count()).toBe(runs);
  });

  it("keeps the last known state of jobs whose owner node is down and says how old it is", async () => {
    await pollEvery(60, 20);
    const victim = fx.sim.nodeNames[0]!;
    // HA-managed guests move to another node once fenced (simulator part 2): only the others stay put.
    const haGuests = (await db.guest.findMany({ where: { haState: { not: null } } })).map((g) => g.vmid);
    const owned = await db.replicationJob.findMany({ where: { source: victim, disabled: false, vmid: { notIn: haGuests } } });
    expect(owned.length).toBeGreaterThan(0);
    fx.sim.model.setNodeOnline(victim, false, fx.sim.now());
    const survivors = fx.client({ endpoints: fx.sim.nodeNames.slice(1).map((n) => fx.endpoint(n)) });
    await pollEvery(60, 5, survivors);
    for (const job of owned) {
      const now = await db.replicationJob.findUniqueOrThrow({ where: { id: job.id } });
      if (now.removeJob) continue;
      expect(now.status).toBe("stale");
      expect(now.lastSync).toBe(job.lastSync);
      expect(now.statusMessage).toMatch(/cannot be read/);
    }
    const node = await db.clusterNode.findFirstOrThrow({ where: { name: victim } });
    expect(node.online).toBe(false);
  });
});
