import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { controlOperation } from "./control";
import type { FailoverDeps } from "./deps";
import { advanceOperation } from "./engine";
import { startFailoverExecutor } from "./executor";
import { startEvacuation, startSwitchover } from "./operations";

// The engine against the simulated cluster over HTTPS, with the simulator's clock as the only
// clock: each pass is followed by a few simulated seconds, so tasks and HA rounds progress.

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
const holder = { id: "user-1", label: "olivia@example.com" };

beforeEach(async () => {
  ({ db, fx, cleanup } = await startSimulatedCluster());
  // Two hours of schedule: every job has synced, so the switch-over sends only a delta.
  for (let i = 0; i < 120; i++) fx.sim.advance(60);
});
afterEach(() => cleanup());

const now = () => fx.sim.now() * 1000;
const depsWith = (client: ProxmoxClient): FailoverDeps => ({ db, clientFor: () => client, now });
const gather = (client: ProxmoxClient) => ({ db, client, now });

async function runToEnd(operationId: string, client: ProxmoxClient, stepSeconds = 2, maxPasses = 600) {
  for (let i = 0; i < maxPasses; i++) {
    const pass = await advanceOperation(depsWith(client), operationId, client);
    if (pass.state !== "running") return pass.state;
    fx.sim.advance(stepSeconds);
  }
  throw new Error("operation did not end");
}

const migrationTasks = (vmid: number) => fx.sim.model.allTasks().filter((t) => /migrate$/.test(t.type) && t.id === String(vmid));
const placement = () => [...fx.sim.model.guests.values()].map((g) => [g.vmid, g.node]);

describe("a planned switch-over", () => {
  it("moves a running VM live to its replica, verifies it runs there only, and sees the job turned around", async () => {
    const client = fx.client();
    const op = await startSwitchover(gather(client), { clusterId: "demo", vmid: 101, target: "pve2", acceptWarnings: true }, holder);
    expect(op.preflight.checks.map((c) => c.name)).toEqual(expect.arrayContaining(["Target", "Quorum", "Replication", "Room on target", "Lock", "HA"]));
    expect(await runToEnd(op.id, client)).toBe("succeeded");
    expect(fx.sim.model.guest(101)).toMatchObject({ node: "pve2", status: "running" });
    expect(fx.sim.model.jobs.get("101-0")).toMatchObject({ source: "pve2", target: "pve1" });
    expect(migrationTasks(101)).toHaveLength(1);
    const steps = await db.failoverStep.findMany({ where: { operationId: op.id }, orderBy: { seq: "asc" } });
    expect(steps.map((s) => s.state)).toEqual(["done", "done", "done", "done"]);
    expect(steps[1]?.upid).toBe(migrationTasks(101)[0]?.upid);
    expect(JSON.parse(steps[1]!.result).taskLog.at(-1)).toBe("TASK OK");
    expect(await db.failoverLock.count()).toBe(0);
    const audit = await db.auditEvent.findMany({ where: { targetType: "failover", targetId: op.id } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["failover.check", "failover.task", "failover.step", "failover.finish"]));
    expect(audit.some((a) => a.details.includes(steps[1]!.upid!))).toBe(true);
  });

  it("a restarted executor follows the stored task instead of starting a second migration", async () => {
    const first = fx.client();
    const op = await startSwitchover(gather(first), { clusterId: "demo", vmid: 103, target: "pve2", acceptWarnings: true }, holder);
    // Executor 1 runs until the migration was sent and its UPID stored, then "dies".
    for (let i = 0; i < 20; i++) {
      await advanceOperation(depsWith(first), op.id, first);
      const migrate = await db.failoverStep.findFirstOrThrow({ where: { operationId: op.id, kind: "migrate" } });
      if (migrate.upid) break;
    }
    const sent = await db.failoverStep.findFirstOrThrow({ where: { operationId: op.id, kind: "migrate" } });
    expect(sent.state).toBe("verifying");
    expect(migrationTasks(103)).toHaveLength(1);
    first.close();
    fx.sim.advance(3);
    // Executor 2: a new client, a new executor, the same database.
    const second = fx.client();
    const executor = startFailoverExecutor({ ...depsWith(second), holder: "after-restart", leaseMs: 1000 }, { autostart: false });
    for (let i = 0; i < 300; i++) {
      await executor.tick();
      if ((await db.failoverOperation.findUniqueOrThrow({ where: { id: op.id } })).state !== "running") break;
      fx.sim.advance(2);
    }
    await executor.stop();
    expect((await db.failoverOperation.findUniqueOrThrow({ where: { id: op.id } })).state).toBe("succeeded");
    expect(migrationTasks(103)).toHaveLength(1);
    expect(fx.sim.model.guest(103)?.node).toBe("pve2");
  });

  it("a restart after Proxmox accepted the migration but before its UPID was stored adopts that task", async () => {
    const real = fx.client();
    // The process dies right after Proxmox answered the migrate POST: the answer is lost.
    const dying: ProxmoxClient = {
      ...real,
      async call(call) {
        const answer = await real.call(call);
        if (call.method === "POST" && call.path.endsWith("/migrate")) throw new Error("executor killed after sending");
        return answer;
      },
    };
    const op = await startSwitchover(gather(real), { clusterId: "demo", vmid: 101, target: "pve2", acceptWarnings: true }, holder);
    for (let i = 0; i < 5; i++) {
      await advanceOperation(depsWith(dying), op.id, dying);
      if ((await db.failoverStep.findFirstOrThrow({ where: { operationId: op.id, kind: "migrate" } })).state === "acting") break;
    }
    const lost = await db.failoverStep.findFirstOrThrow({ where: { operationId: op.id, kind: "migrate" } });
    expect(lost.state).toBe("acting");
    expect(lost.upid).toBeNull();
    expect(migrationTasks(101)).toHaveLength(1);
    expect(await runToEnd(op.id, real)).toBe("succeeded");
    expect(migrationTasks(101)).toHaveLength(1);
    const adopted = await db.failoverStep.findFirstOrThrow({ where: { operationId: op.id, kind: "migrate" } });
    expect(adopted.upid).toBe(migrationTasks(101)[0]?.upid);
  });

  it("records a guest already on the target without sending anything", async () => {
    const client = fx.client();
    const op = await startSwitchover(gather(client), { clusterId: "demo", vmid: 101, target: "pve2", acceptWarnings: true }, holder);
    // Someone else moved it between the confirmation and the first pass.
    fx.sim.loadScript({ events: [{ at: 0, action: "migrate", vmid: 101, target: "pve2", online: true }] });
    for (let i = 0; i < 200 && fx.sim.model.guest(101)?.node !== "pve2"; i++) fx.sim.advance(2);
    expect(await runToEnd(op.id, client)).toBe("succeeded");
    expect(migrationTasks(101)).toHaveLength(1);
    const migrate = await db.failoverStep.findFirstOrThrow({ where: { operationId: op.id, kind: "migrate" } });
    expect(migrate.upid).toBeNull();
    expect(migrate.message).toMatch(/moved to pve2|already/);
  });

  it("reports a migration task that fails as failed, with Proxmox's error, and the guest stays", async () => {
    const client = fx.client();
    const storage = fx.sim.model.storageOn("pve2", "local-zfs")!;
    storage.extraUsed = fx.sim.model.storageUsage("pve2", "local-zfs").avail + storage.extraUsed;
    const op = await startSwitchover(gather(client), { clusterId: "demo", vmid: 101, target: "pve2", acceptWarnings: true }, holder);
    expect(op.preflight.checks.find((c) => c.name === "Room on target")?.result).toBe("warning");
    expect(await runToEnd(op.id, client)).toBe("failed");
    const migrate = await db.failoverStep.findFirstOrThrow({ where: { operationId: op.id, kind: "migrate" } });
    expect(migrate.state).toBe("failed");
    expect(migrate.message).toMatch(/migration task failed: .*out of space/);
    expect(fx.sim.model.guest(101)?.node).toBe("pve1");
    expect(await db.failoverLock.count()).toBe(0);
  });

  it("refuses without confirmed warnings, and refuses a guest another operation holds, naming the holder", async () => {
    const client = fx.client();
    const storage = fx.sim.model.storageOn("pve2", "local-zfs")!;
    storage.extraUsed += fx.sim.model.storageUsage("pve2", "local-zfs").avail;
    await expect(startSwitchover(gather(client), { clusterId: "demo", vmid: 101, target: "pve2", acceptWarnings: false }, holder)).rejects.toThrow(/Confirm the warnings/);
    storage.extraUsed = 0;
    await startSwitchover(gather(client), { clusterId: "demo", vmid: 101, target: "pve2", acceptWarnings: true }, holder);
    await expect(startSwitchover(gather(client), { clusterId: "demo", vmid: 101, target: "pve2", acceptWarnings: true }, { id: "u2", label: "sam@example.com" }))
      .rejects.toThrow(/another failover operation holds this guest: held by olivia@example.com since/i);
  });

  it("moves an HA-managed VM through HA and waits until HA reports it started on the target", async () => {
    const client = fx.client();
    const op = await startSwitchover(gather(client), { clusterId: "demo", vmid: 100, target: "pve2", acceptWarnings: true }, holder);
    expect(op.preflight.plan?.mode).toBe("ha");
    expect(await runToEnd(op.id, client, 3)).toBe("succeeded");
    expect(fx.sim.model.guest(100)).toMatchObject({ node: "pve2", status: "running" });
    const migrate = await db.failoverStep.findFirstOrThrow({ where: { operationId: op.id, kind: "migrate" } });
    expect(migrate.message).toMatch(/HA reports vm:100 started on pve2/);
    expect(JSON.parse(migrate.result).lrmUpid).toMatch(/qmigrate/);
  });

  it("abandoning between steps undoes nothing and says so", async () => {
    const client = fx.client();
    const op = await startSwitchover(gather(client), { clusterId: "demo", vmid: 101, target: "pve2", acceptWarnings: true }, holder);
    for (let i = 0; i < 300; i++) {
      await advanceOperation(depsWith(client), op.id, client);
      const migrate = await db.failoverStep.findFirstOrThrow({ where: { operationId: op.id, kind: "migrate" } });
      if (migrate.state === "done") break;
      fx.sim.advance(2);
    }
    await expect(controlOperation(db, op.id, "someone-else", "abandon")).rejects.toThrow(/holds this operation since .*you may watch/);
    await controlOperation(db, op.id, holder.id, "abandon");
    expect(await runToEnd(op.id, client)).toBe("abandoned");
    const ended = await db.failoverOperation.findUniqueOrThrow({ where: { id: op.id } });
    expect(ended.summary).toMatch(/Nothing was undone: VM 101 .* took effect and stays so/);
    expect(fx.sim.model.guest(101)?.node).toBe("pve2");
    expect(await db.failoverLock.count()).toBe(0);
  });
});

describe("evacuating a node", () => {
  it("moves every guest with a replica to it, in startup order, two at a time, and lists the one without", async () => {
    const client = fx.client();
    const op = await startEvacuation(gather(client), { clusterId: "demo", node: "pve1", parallelism: 2, acceptWarnings: true }, holder);
    const plan = JSON.parse((await db.failoverOperation.findUniqueOrThrow({ where: { id: op.id } })).plan);
    expect(plan.leftAlone).toEqual([expect.objectContaining({ vmid: 110, reason: expect.stringMatching(/No replica/) })]);
    expect(plan.guests.map((g: { vmid: number }) => g.vmid)).toEqual([100, 101, 102, 103]);
    let maxActive = 0;
    for (let i = 0; i < 900; i++) {
      const pass = await advanceOperation(depsWith(client), op.id, client);
      const active = new Set((await db.failoverStep.findMany({ where: { operationId: op.id, state: { in: ["checking", "acting", "verifying"] } } })).map((s) => s.vmid));
      maxActive = Math.max(maxActive, active.size);
      if (pass.state !== "running") break;
      fx.sim.advance(2);
    }
    expect((await db.failoverOperation.findUniqueOrThrow({ where: { id: op.id } })).state).toBe("succeeded");
    expect(maxActive).toBeLessThanOrEqual(2);
    expect(placement()).toEqual(expect.arrayContaining([[100, "pve2"], [101, "pve2"], [102, "pve3"], [103, "pve2"], [110, "pve1"]]));
    for (const vmid of [100, 101, 102, 103]) expect(migrationTasks(vmid).length).toBe(1);
  });
});
