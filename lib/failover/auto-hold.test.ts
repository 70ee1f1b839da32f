import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startPoller, type Poller } from "@/lib/poller/poller";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { openRemoteShell } from "@/lib/ssh/client";
import { pvePath } from "@/lib/proxmox/params";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { holdRecoveredGuests } from "./auto-hold";
import { controlOperation } from "./control";
import { advanceOperation } from "./engine";
import { recordFailbackChoice } from "./failback-choice";
import { getFailoverOverview } from "./failover-queries";

// The automatic failback hold against the simulated cluster over HTTPS, driven by the real
// poller (its after-poll step places the hold): pve1 dies, HA recovers vm:100 to pve2 and turns
// its job around, and nobody clicks anything until the keep/discard choice.

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
let poller: Poller | undefined;
let current: ProxmoxClient;
const sam = { id: "user-2", label: "sam@example.com" };
const silent = { debug() {}, info() {}, warn() {}, error() {} };

beforeEach(async () => {
  ({ db, fx, cleanup } = await startSimulatedCluster());
  // vm:100's first full sync (232 GiB at 80 MB/s) takes most of an hour.
  fx.sim.advance(3 * 3600);
  current = fx.client();
  poller = startPoller({ db, clients: { clientFor: () => current, retainOnly: () => undefined }, now: () => new Date(now()), intervalSeconds: 15, tickMs: 3_600_000, log: silent });
});
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
  await cleanup();
});

const now = () => fx.sim.now() * 1000;
const deps = () => ({ db, client: current, now, log: silent });

/** The poller's cycles, `seconds` of simulated time apart (each also runs the after-poll hold). */
async function poll(seconds: number, cycles: number) {
  for (let i = 0; i < cycles; i++) {
    fx.sim.advance(seconds);
    await poller!.tickNow();
  }
}

/** pve1 dies; the survivors are polled until HA has recovered vm:100 to pve2 and the job turned around. */
async function losePve1() {
  await poll(60, 3);
  fx.sim.setNodeOnline("pve1", false);
  current = fx.client({ endpoints: ["pve2", "pve3"].map((n) => fx.endpoint(n)) });
  for (let i = 0; i < 60 && !(fx.sim.model.guest(100)?.node === "pve2" && fx.sim.model.jobs.get("100-0")?.source === "pve2"); i++) await poll(15, 1);
  expect(fx.sim.model.guest(100)?.node).toBe("pve2");
  expect(fx.sim.model.jobs.get("100-0")).toMatchObject({ source: "pve2", target: "pve1" });
  // One more cycle: the poller has now stored the guest on pve2 and the job turned around.
  await poll(15, 1);
}

async function passes(operationId: string, count: number, stepSeconds = 5) {
  let state = "running";
  for (let i = 0; i < count && state === "running"; i++) {
    state = (await advanceOperation({ db, clientFor: () => current, now }, operationId, current)).state;
    fx.sim.advance(stepSeconds);
  }
  return state;
}

const failbackOps = () => db.failoverOperation.findMany({ where: { kind: "failback" }, include: { steps: { orderBy: { seq: "asc" } } } });
const runsOf = (jobId: string, since: number) => fx.sim.model.performedRuns.filter((r) => r.jobId === jobId && r.start >= since);

describe("the automatic failback hold", { timeout: 180_000 }, () => {
  it("holds vm:100's job and HA's failback without a click, once over many polls; pve1 returns and nothing runs back; any operator's discard then re-enables and syncs", async () => {
    // HA prefers pve1: its failback would pull vm:100 back the moment pve1 returns.
    await fx.client().call({ method: "PUT", path: pvePath`/cluster/ha/rules/db-on-replicas`, params: { type: "node-affinity", nodes: "pve1:2,pve2:1" }, schema: z.unknown() });
    await losePve1();
    const [op, ...more] = await failbackOps();
    expect(more).toEqual([]);
    expect(op).toMatchObject({ sourceNode: "pve1", state: "running", createdById: null, createdByLabel: "pve-standby" });
    expect(op!.steps.filter((s) => s.state !== "skipped").map((s) => [s.vmid, s.kind])).toEqual([
      [100, "failback-hold-ha"], [100, "failback-hold-job"], [100, "failback-decide"], [100, "failback-preserve"],
      [100, "failback-release"], [100, "failback-sync"], [100, "failback-restore-ha"],
    ]);
    const started = await db.auditEvent.findFirstOrThrow({ where: { action: "failover.start", targetId: op!.id } });
    expect(started).toMatchObject({ actorLabel: "pve-standby", actorType: "system", actorId: null, outcome: "success" });
    expect(JSON.parse(started.details)).toMatchObject({ automatic: true, node: "pve1", vmids: [100] });

    expect(await passes(op!.id, 10)).toBe("running");
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeTruthy();
    expect(fx.sim.model.haResources.get("vm:100")?.failback).toBe(0);
    // More polls while the hold waits: no second operation.
    await poll(15, 8);
    expect(await db.failoverOperation.count({ where: { kind: "failback" } })).toBe(1);
    const page = async () => (await getFailoverOverview(db, { now: new Date(now()) })).clusters[0]!.outages.find((o) => o.node === "pve1")!.guests.find((g) => g.vmid === 100)!.failback!;
    expect((await page()).hold).toMatchObject({ operationId: op!.id, automatic: true, holderLabel: "pve-standby", decision: null });
    expect((await page()).hold?.createdAt).toBeGreaterThan(0);

    // pve1 returns: its parked job would run within a minute; the hold keeps it (and HA) back.
    const returnedAt = fx.sim.now();
    fx.sim.setNodeOnline("pve1", true);
    current = fx.client();
    await poll(60, 20);
    expect(await passes(op!.id, 5)).toBe("running");
    expect(runsOf("100-0", returnedAt)).toEqual([]);
    expect(fx.sim.model.guest(100)?.node).toBe("pve2");
    expect(await db.failoverOperation.count({ where: { kind: "failback" } })).toBe(1);

    // Nobody holds an automatic hold: sam (not its creator) decides.
    await recordFailbackChoice(db, { operationId: op!.id, vmid: 100, choice: "discard", user: sam, now: now() });
    const chosenAt = fx.sim.now();
    expect(await passes(op!.id, 400)).toBe("succeeded");
    const resync = runsOf("100-0", chosenAt).find((r) => r.outcome === "ok");
    expect(resync).toMatchObject({ node: "pve2", kind: "incremental" });
    expect(resync?.discarded).toBeGreaterThan(0);
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeFalsy();
    expect(fx.sim.model.haResources.get("vm:100")?.failback).toBe(1);
    expect(await db.failoverLock.count()).toBe(0);
  });

  it("a guest recovered by hand outside pve-standby later in the same outage gets a hold of its own; the first hold is left as it is", async () => {
    await losePve1();
    const [first] = await failbackOps();
    expect(first!.steps.filter((s) => s.kind === "failback-decide").map((s) => s.vmid)).toEqual([100]);
    // A person moves web-01's configuration to pve2 in a root shell (Proxmox's manual, §6.9).
    const e = fx.servers.endpoints.find((x) => x.node === "pve2")!;
    const { shell } = await openRemoteShell({ node: "pve2", host: "127.0.0.1", port: e.sshPort, auth: { password: fx.sim.credentials.rootPassword }, pinnedHostKey: e.sshFingerprint, timeoutMs: 5000 });
    try {
      expect((await shell!.run("mv /etc/pve/nodes/pve1/qemu-server/101.conf /etc/pve/nodes/pve2/qemu-server/101.conf")).code).toBe(0);
    } finally {
      shell!.close();
    }
    for (let i = 0; i < 20 && (await db.failoverOperation.count({ where: { kind: "failback" } })) < 2; i++) await poll(15, 1);
    const ops = await failbackOps();
    expect(ops).toHaveLength(2);
    const second = ops.find((o) => o.id !== first!.id)!;
    expect(second.createdByLabel).toBe("pve-standby");
    expect(second.steps.filter((s) => s.kind === "failback-decide").map((s) => s.vmid)).toEqual([101]);
    expect((await db.failoverOperation.findUniqueOrThrow({ where: { id: first!.id } })).state).toBe("running");
    await poll(15, 4);
    expect(await db.failoverOperation.count({ where: { kind: "failback" } })).toBe(2);
  });

  it("with the cluster's setting off, nothing is held: the job stays enabled", async () => {
    await db.cluster.update({ where: { id: "demo" }, data: { failbackAutoHold: false } });
    await losePve1();
    await poll(15, 4);
    expect(await db.failoverOperation.count()).toBe(0);
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeFalsy();
  });

  it("waits while another operation holds the guest, records and shows a guest it cannot hold (once in the audit), and leaves an abandoned hold abandoned", async () => {
    await poll(60, 3);
    // Another operation (a recovery, say) holds vm:100 before HA's recovery shows up.
    const other = await db.failoverOperation.create({ data: { clusterId: "demo", kind: "switchover", title: "someone else's", state: "running", createdById: sam.id, createdByLabel: sam.label } });
    await db.failoverLock.create({ data: { clusterId: "demo", vmid: 100, operationId: other.id, holderId: sam.id, holderLabel: sam.label } });
    await losePve1();
    expect(await db.failoverOperation.count({ where: { kind: "failback" } })).toBe(0);
    expect((await holdRecoveredGuests(deps(), "demo")).waiting).toEqual([100]);

    // Its disk list is unknown: the volumes to keep cannot be named, so it cannot be held.
    await db.failoverLock.deleteMany({ where: { operationId: other.id } });
    const lists = await db.guestDiskList.findMany({ where: { clusterId: "demo", vmid: 100 } });
    await db.guestDiskList.deleteMany({ where: { clusterId: "demo", vmid: 100 } });
    const outcome = await holdRecoveredGuests(deps(), "demo");
    expect(outcome.problems).toEqual([{ node: "pve1", vmid: 100, reason: expect.stringMatching(/disk list was never read/) }]);
    await holdRecoveredGuests(deps(), "demo");
    const failures = await db.auditEvent.findMany({ where: { action: "failover.start", outcome: "failure" } });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ actorLabel: "pve-standby", actorType: "system" });
    const view = async () => (await getFailoverOverview(db, { now: new Date(now()) })).clusters[0]!.outages[0]!.guests.find((g) => g.vmid === 100)!.failback!;
    expect((await view()).autoHoldProblem?.reason).toMatch(/disk list was never read/);

    // The list is back (the poller keeps it): the next poll holds it and clears the problem.
    await db.guestDiskList.createMany({ data: lists.map(({ id: _id, ...l }) => l) });
    await poll(15, 1);
    const [op] = await failbackOps();
    expect(op?.createdByLabel).toBe("pve-standby");
    expect((await view()).autoHoldProblem).toBeNull();

    // An operator abandons it: a person's decision, so later polls do not hold again.
    await controlOperation(db, op!.id, sam.id, "abandon");
    expect(await passes(op!.id, 3)).toBe("abandoned");
    await poll(15, 3);
    expect(await db.failoverOperation.count({ where: { kind: "failback" } })).toBe(1);
  });
});
