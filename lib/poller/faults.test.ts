import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { ResponseFaultSpec } from "@/lib/simulator/faults";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { PrismaClient } from "@/prisma/generated/client";
import { runPollCycle } from "./run-cycle";

// Every fault the simulator can throw at a response, injected between healthy cycles over real
// HTTPS: the poller records the problem on the cluster, never throws, and the stored history
// (jobs' last values, runs, samples) is exactly what it was before the fault.
let db: PrismaClient;
let cleanup: () => Promise<void>;
let fx: SimulatorFixture;

beforeEach(async () => ({ db, fx, cleanup } = await startSimulatedCluster({ seed: 3 })));
afterEach(() => cleanup());

const now = () => new Date(fx.sim.now() * 1000);
const client = () => fx.client({ timeouts: { connectMs: 1000, requestMs: 1500 }, retries: { attempts: 0, baseDelayMs: 1 } });

async function history() {
  const jobs = await db.replicationJob.findMany({ orderBy: { jobId: "asc" }, select: { jobId: true, lastSync: true, lastTry: true, failCount: true } });
  const runs = await db.jobRun.findMany({ orderBy: [{ jobRowId: "asc" }, { startedAt: "asc" }], select: { startedAt: true, outcome: true, endedAt: true } });
  return { jobs, runs, samples: await db.lagSample.count() };
}

async function healthyCycles(n: number, c = client()) {
  for (let i = 0; i < n; i++) {
    fx.sim.advance(60);
    expect((await runPollCycle("demo", { db, client: c, now })).ok).toBe(true);
  }
}

const CLUSTER_WIDE: [string, ResponseFaultSpec, string][] = [
  ["a 5xx", { kind: "error", status: 503, path: "/cluster/resources" }, "business"],
  ["a reset connection", { kind: "reset", path: "/cluster/replication" }, "unreachable"],
  ["a body cut short", { kind: "truncate", path: "/cluster/status" }, "unreachable"],
  ["garbage instead of JSON", { kind: "garble", path: "/cluster/replication" }, "protocol"],
  ["an answer slower than the timeout", { kind: "slow", delayMs: 3000, path: "/cluster/status" }, "timeout"],
];

describe("a fault in a cluster-wide read", () => {
  for (const [name, fault, kind] of CLUSTER_WIDE) {
    it(`records ${name} and keeps history intact`, async () => {
      const c = client();
      await healthyCycles(10, c);
      const before = await history();
      fx.sim.core.faults.add({ ...fault, count: 10 }, fx.sim.now());
      const result = await runPollCycle("demo", { db, client: c, now });
      expect(result.ok).toBe(false);
      const cluster = await db.cluster.findUniqueOrThrow({ where: { id: "demo" } });
      expect(cluster.lastErrorKind, cluster.lastError ?? "").toBe(kind);
      expect(await history()).toEqual(before);
      fx.sim.core.faults.clear();
      await healthyCycles(2, c);
      expect((await db.cluster.findUniqueOrThrow({ where: { id: "demo" } })).lastErrorKind).toBeNull();
    });
  }
});

it("a garbled answer from one node only makes that node's jobs stale", async () => {
  const c = client();
  await healthyCycles(10, c);
  fx.sim.core.faults.add({ kind: "garble", path: "/nodes/pve2/replication", count: 10 }, fx.sim.now());
  fx.sim.advance(60);
  const result = await runPollCycle("demo", { db, client: c, now });
  expect(result).toMatchObject({ ok: true, partial: [{ kind: "protocol" }] });
  const guestsOnPve2 = (await db.guest.findMany({ where: { node: "pve2" } })).map((g) => g.vmid);
  const jobs = await db.replicationJob.findMany({ where: { disabled: false, removeJob: null } });
  for (const job of jobs) expect(job.status === "stale", job.jobId).toBe(guestsOnPve2.includes(job.vmid));
  expect((await db.cluster.findUniqueOrThrow({ where: { id: "demo" } })).lastErrorKind).toBe("partial");
});

it("records revoked credentials as an authentication error", async () => {
  await healthyCycles(3);
  const revoked = fx.client({ auth: { kind: "token", tokenId: fx.sim.credentials.tokenId, secret: "00000000-0000-0000-0000-000000000000" }, retries: { attempts: 0, baseDelayMs: 1 } });
  expect(await runPollCycle("demo", { db, client: revoked, now })).toMatchObject({ ok: false, failure: { kind: "auth" } });
});

it("reads a cluster that lost quorum and says so", async () => {
  await healthyCycles(3);
  fx.sim.model.setNodeOnline("pve2", false, fx.sim.now());
  fx.sim.model.setNodeOnline("pve3", false, fx.sim.now());
  const survivor = fx.client({ endpoints: [fx.endpoint("pve1")] });
  // Within the minute before pve1, running HA services without quorum, fences itself.
  fx.sim.advance(30);
  const result = await runPollCycle("demo", { db, client: survivor, now });
  expect(result.ok, JSON.stringify(result)).toBe(true);
  expect((await db.cluster.findUniqueOrThrow({ where: { id: "demo" } })).quorate).toBe(false);
});
