import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { openRemoteShell } from "@/lib/ssh/client";
import type { RemoteShellFor } from "@/lib/ssh/remote-shell";
import { pvePath } from "@/lib/proxmox/params";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import type { FailoverDeps } from "./deps";
import { controlOperation } from "./control";
import { advanceOperation } from "./engine";
import { startFailoverExecutor } from "./executor";
import { recordFailbackChoice } from "./failback-choice";
import { startFailbackHold } from "./failback-plan";
import { failbackOnPage, failoverDeps, losePve1 as losePve1In, OLIVIA, operationPasses, pollCluster, simMillis, stepOf as stepOfIn } from "./failback-test-support";

// Failback against the simulated cluster over HTTPS: pve1 dies, HA recovers vm:100 to pve2 and
// turns its job around, we hold replication (and HA's failback) while pve1 is down, pve1
// returns, and only the operator's choice lets the sync back run.

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
const olivia = OLIVIA;

beforeEach(async () => {
  ({ db, fx, cleanup } = await startSimulatedCluster());
  // vm:100's first full sync (232 GiB at 80 MB/s) takes most of an hour.
  fx.sim.advance(3 * 3600);
});
afterEach(() => cleanup());

const now = () => simMillis(fx);
const depsWith = (client: ProxmoxClient, shellFor?: RemoteShellFor): FailoverDeps => failoverDeps(db, fx, client, shellFor);

/** A root shell on a simulated node over real SSH, its host key pinned (what the recovery credential gives the app). */
const shellFor: RemoteShellFor = async (_clusterId, node) => {
  const e = fx.servers.endpoints.find((x) => x.node === node)!;
  const opened = await openRemoteShell({ node, host: "127.0.0.1", port: e.sshPort, auth: { password: fx.sim.credentials.rootPassword }, pinnedHostKey: e.sshFingerprint, timeoutMs: 5000 });
  return opened.shell;
};

/** What an operator types into a terminal on the node. */
async function runOnNode(node: string, command: string) {
  const shell = (await shellFor("demo", node))!;
  try {
    return await shell.run(command);
  } finally {
    shell.close();
  }
}

const poll = (client: ProxmoxClient, seconds: number, cycles: number) => pollCluster(db, fx, client, seconds, cycles);
const losePve1 = () => losePve1In(db, fx);
const passes = (client: ProxmoxClient, operationId: string, count: number, stepSeconds = 5, shell?: RemoteShellFor) =>
  operationPasses(db, fx, client, operationId, count, stepSeconds, shell);
const stepOf = (operationId: string, kind: string, vmid = 100) => stepOfIn(db, operationId, kind, vmid);
const runsOf = (jobId: string, since: number) => fx.sim.model.performedRuns.filter((r) => r.jobId === jobId && r.start >= since);

/** HA prefers pve1 for vm:100 (failback would pull it back the moment pve1 returns). */
async function preferPve1(client: ProxmoxClient) {
  await client.call({ method: "PUT", path: pvePath`/cluster/ha/rules/db-on-replicas`, params: { type: "node-affinity", nodes: "pve1:2,pve2:1" }, schema: z.unknown() });
}

// Each test replays a node failure and HA recovery over HTTPS: minutes on a loaded machine.
describe("failback after a dead node returns", { timeout: 120_000 }, () => {
  it("holds the turned-around job and HA's failback while pve1 is down, so nothing rolls pve1 back when it returns; discard then syncs and restores", async () => {
    await preferPve1(fx.client());
    const survivors = await losePve1();
    const op = await startFailbackHold({ db, client: survivors, now }, { clusterId: "demo", node: "pve1" }, olivia);
    // 101, 102, 103, 110 were not recovered: they stay pve1's own and are listed, not held.
    expect(op.leftAlone.map((l) => l.vmid)).toEqual([101, 102, 103, 110]);
    expect(await passes(survivors, op.id, 10)).toBe("running");
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeTruthy();
    expect(fx.sim.model.haResources.get("vm:100")?.failback).toBe(0);
    const decide = await stepOf(op.id, "failback-decide");
    expect(decide.state).toBe("checking");
    expect(JSON.parse(decide.result).commands).toEqual([
      "zfs rename -p rpool/data/vm-100-disk-0 rpool/pve-standby-kept/vm-100-disk-0-" + JSON.parse(decide.params).failedAt,
      "zfs rename -p rpool/data/vm-100-disk-1 rpool/pve-standby-kept/vm-100-disk-1-" + JSON.parse(decide.params).failedAt,
    ]);

    // pve1 returns. Its parked job would be due at the next minute (its back-off ran out long
    // ago) and HA would migrate vm:100 back within a round: both are held.
    const divergent = fx.sim.model.volume("pve1", "local-zfs:vm-100-disk-1")?.divergent?.bytes ?? 0;
    expect(divergent).toBeGreaterThan(0);
    const returnedAt = fx.sim.now();
    fx.sim.setNodeOnline("pve1", true);
    const all = fx.client();
    await poll(all, 60, 30);
    expect(await passes(all, op.id, 5)).toBe("running");
    expect(runsOf("100-0", returnedAt)).toEqual([]);
    // The Failover page says what the next run would do, that it is held, and offers the choice.
    const page = () => failbackOnPage(db, fx);
    const held = await page();
    expect(held).toMatchObject({ jobId: "100-0", oldNode: "pve1", newNode: "pve2", jobDisabled: true, syncedBackAt: null, ha: { kind: "disabled" } });
    expect(held.hold).toMatchObject({ operationId: op.id, state: "running", decision: null, asksChoice: true, holderLabel: olivia.label });
    expect(held.baseSync).toBeGreaterThan(0);
    expect(fx.sim.model.guest(100)?.node).toBe("pve2");
    expect(fx.sim.model.volume("pve1", "local-zfs:vm-100-disk-1")?.divergent?.bytes).toBe(divergent);

    await recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "discard", user: olivia, now: now() });
    const chosenAt = fx.sim.now();
    expect(await passes(all, op.id, 400)).toBe("succeeded");
    const resync = runsOf("100-0", chosenAt).find((r) => r.outcome === "ok");
    expect(resync).toMatchObject({ node: "pve2", kind: "incremental" });
    expect(resync?.discarded).toBeGreaterThan(0);
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeFalsy();
    expect(fx.sim.model.haResources.get("vm:100")?.failback).toBe(1);
    const steps = await db.failoverStep.findMany({ where: { operationId: op.id, vmid: 100 }, orderBy: { seq: "asc" } });
    expect(steps.map((s) => [s.kind, s.state])).toEqual([
      ["failback-hold-ha", "done"], ["failback-hold-job", "done"], ["failback-decide", "done"], ["failback-preserve", "done"],
      ["failback-release", "done"], ["failback-sync", "done"], ["failback-restore-ha", "done"],
    ]);
    expect(await db.failoverLock.count()).toBe(0);
    const audit = await db.auditEvent.findMany({ where: { targetType: "failover", targetId: op.id } });
    expect(audit.filter((a) => a.action === "failover.task").map((a) => JSON.parse(a.details).note)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Disabled job 100-0/), expect.stringMatching(/Re-enabled job 100-0/), expect.stringMatching(/failback=0/), expect.stringMatching(/failback=1/)]),
    );

    await poll(all, 15, 1);
    const after = await page();
    expect(after.hold).toMatchObject({ state: "succeeded", decision: { choice: "discard", by: olivia.label } });
    expect(after.syncedBackAt).toBeGreaterThanOrEqual(chosenAt);

    // With failback restored and the replica in sync, HA moves vm:100 back to pve1 by itself.
    fx.sim.advance(600);
    expect(fx.sim.model.guest(100)?.node).toBe("pve1");
    expect([...fx.sim.model.guests.values()].filter((g) => g.vmid === 100)).toHaveLength(1);
  });

  it("without a hold, pvesr's parked job runs within a minute of pve1's return and discards its writes (the race the hold wins)", async () => {
    await losePve1();
    // Down for half an hour: the back-off (5 min after the failed try at recovery) ran out meanwhile.
    fx.sim.advance(1800);
    const returnedAt = fx.sim.now();
    fx.sim.setNodeOnline("pve1", true);
    fx.sim.advance(900);
    const run = runsOf("100-0", returnedAt).find((r) => r.outcome === "ok");
    expect(run?.start).toBeLessThanOrEqual(returnedAt + 60);
    expect(run?.discarded).toBeGreaterThan(0);
  });

  it("replicate now while the job's sync back already runs: the step waits for that run (Proxmox refuses schedule_now during it), then asks and proves a later run", async () => {
    const survivors = await losePve1();
    const op = await startFailbackHold({ db, client: survivors, now }, { clusterId: "demo", node: "pve1", vmids: [100] }, olivia);
    expect(await passes(survivors, op.id, 6)).toBe("running");
    fx.sim.setNodeOnline("pve1", true);
    const all = fx.client();
    await poll(all, 60, 3);
    await recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "discard", user: olivia, now: now() });
    for (let i = 0; i < 20 && (await stepOf(op.id, "failback-release")).state !== "done"; i++) await advanceOperation(depsWith(all), op.id, all);
    expect((await stepOf(op.id, "failback-release")).state).toBe("done");
    expect((await stepOf(op.id, "failback-sync")).state).toBe("pending");
    // The re-enabled job starts at a minute tick (once pve2's worker gets to it) before the executor's next pass.
    const syncing = () => fx.sim.core.pvesr.jobStatus("pve2").find((s) => s.job.id === "100-0")?.state.pid !== undefined;
    for (let i = 0; i < 7200 && !syncing(); i++) fx.sim.advance(1);
    expect(syncing()).toBe(true);
    const running = runsOf("100-0", 0).length;
    expect((await advanceOperation(depsWith(all), op.id, all)).state).toBe("running");
    expect(await stepOf(op.id, "failback-sync")).toMatchObject({ state: "checking", message: expect.stringMatching(/is syncing/) });

    expect(await passes(all, op.id, 200, 15)).toBe("succeeded");
    const sync = await stepOf(op.id, "failback-sync");
    const first = fx.sim.model.performedRuns.filter((r) => r.jobId === "100-0")[running]!;
    expect(JSON.parse(sync.result).lastSync).toBeGreaterThan(first.start);
  });

  it("a restarted executor resumes a hold: the job stays held, and the choice made after the restart is honoured", async () => {
    const survivors = await losePve1();
    const op = await startFailbackHold({ db, client: survivors, now }, { clusterId: "demo", node: "pve1", vmids: [100] }, olivia);
    expect(await passes(survivors, op.id, 6)).toBe("running");
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeTruthy();
    // The demo rule has equal priorities: HA would not move vm:100 back, so there is no HA hold.
    expect(await db.failoverStep.count({ where: { operationId: op.id, kind: "failback-hold-ha" } })).toBe(0);
    survivors.close();

    fx.sim.setNodeOnline("pve1", true);
    const returnedAt = fx.sim.now();
    const fresh = fx.client();
    const executor = startFailoverExecutor({ ...depsWith(fresh), holder: "after-restart", leaseMs: 1000 }, { autostart: false });
    for (let i = 0; i < 30; i++) {
      await executor.tick();
      fx.sim.advance(60);
    }
    expect(runsOf("100-0", returnedAt)).toEqual([]);
    expect((await stepOf(op.id, "failback-decide")).state).toBe("checking");

    await recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "discard", user: olivia, now: now() });
    for (let i = 0; i < 200; i++) {
      await executor.tick();
      if ((await db.failoverOperation.findUniqueOrThrow({ where: { id: op.id } })).state !== "running") break;
      fx.sim.advance(5);
    }
    await executor.stop();
    expect((await db.failoverOperation.findUniqueOrThrow({ where: { id: op.id } })).state).toBe("succeeded");
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeFalsy();
    expect(runsOf("100-0", returnedAt).some((r) => r.outcome === "ok")).toBe(true);
  });

  it("keep over SSH: measures the divergent data, renames pve1's volumes out of the storage, and they survive the next (full) sync", async () => {
    const survivors = await losePve1();
    const op = await startFailbackHold({ db, client: survivors, now }, { clusterId: "demo", node: "pve1", vmids: [100] }, olivia);
    expect(await passes(survivors, op.id, 5, 5, shellFor)).toBe("running");
    const divergent = fx.sim.model.volume("pve1", "local-zfs:vm-100-disk-1")!.divergent!.bytes;
    fx.sim.setNodeOnline("pve1", true);
    const all = fx.client();
    await poll(all, 60, 3);
    expect(await passes(all, op.id, 3, 5, shellFor)).toBe("running");
    const decide = JSON.parse((await stepOf(op.id, "failback-decide")).result);
    const measured = decide.divergence.volumes as { dataset: string; bytes: number }[];
    expect(measured.find((v) => v.dataset === "rpool/data/vm-100-disk-1")?.bytes).toBeGreaterThan(0);
    expect(measured.reduce((sum, v) => sum + v.bytes, 0)).toBeGreaterThanOrEqual(divergent * 0.5);

    await recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "keep", user: olivia, now: now() });
    const chosenAt = fx.sim.now();
    // A full sync of 232 GiB at the job's 80 MB/s takes most of an hour: 30 s per pass.
    expect(await passes(all, op.id, 300, 30, shellFor)).toBe("succeeded");
    const kept = decide.datasets.map((d: { kept: string }) => d.kept) as string[];
    expect(kept[1]).toMatch(/^rpool\/pve-standby-kept\/vm-100-disk-1-\d+$/);
    // The replica is in sync (a full sync, the volumes having left the storage), and nothing was discarded.
    const resync = runsOf("100-0", chosenAt).find((r) => r.outcome === "ok");
    expect(resync).toMatchObject({ node: "pve2", kind: "full" });
    expect(resync?.discarded ?? 0).toBe(0);
    // After another scheduled sync the kept datasets are still there, holding the divergent writes.
    fx.sim.advance(900);
    expect(runsOf("100-0", chosenAt).filter((r) => r.outcome === "ok").length).toBeGreaterThanOrEqual(2);
    const listed = await runOnNode("pve1", `zfs list -H -o name ${kept.join(" ")} rpool/data/vm-100-disk-1`);
    expect(listed.stdout.trim().split("\n").sort()).toEqual([...kept, "rpool/data/vm-100-disk-1"].sort());
    const written = await runOnNode("pve1", `zfs get -Hp -o value written@${decide.divergenceCommand.match(/written@(\S+)/)[1]} ${kept[1]}`);
    expect(Number(written.stdout.trim())).toBe(measured.find((v) => v.dataset === "rpool/data/vm-100-disk-1")?.bytes);
    const audit = await db.auditEvent.findMany({ where: { targetType: "failover", targetId: op.id, action: "failover.task" } });
    expect(audit.some((a) => a.details.includes("zfs rename -p rpool/data/vm-100-disk-1"))).toBe(true);
  });

  it("keep without a credential: shows the commands, sees them take effect through the API once the operator ran them, then syncs", async () => {
    const survivors = await losePve1();
    const op = await startFailbackHold({ db, client: survivors, now }, { clusterId: "demo", node: "pve1", vmids: [100] }, olivia);
    expect(await passes(survivors, op.id, 4)).toBe("running");
    await recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "keep", user: olivia, now: now() });
    fx.sim.setNodeOnline("pve1", true);
    const all = fx.client();
    expect(await passes(all, op.id, 20)).toBe("running");
    const preserve = await stepOf(op.id, "failback-preserve");
    expect(preserve.message).toMatch(/No recovery credential: run the commands shown on pve1/);
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeTruthy();
    const commands = JSON.parse((await stepOf(op.id, "failback-decide")).result).commands as string[];
    for (const command of commands) expect((await runOnNode("pve1", command)).code).toBe(0);
    expect(await passes(all, op.id, 300, 30)).toBe("succeeded");
    expect((await stepOf(op.id, "failback-preserve")).message).toMatch(/Proxmox no longer lists the volumes on pve1/);
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeFalsy();
  });

  it("abandoning a hold undoes nothing and says which job stays disabled", async () => {
    const survivors = await losePve1();
    const op = await startFailbackHold({ db, client: survivors, now }, { clusterId: "demo", node: "pve1", vmids: [100] }, olivia);
    expect(await passes(survivors, op.id, 4)).toBe("running");
    await controlOperation(db, op.id, olivia.id, "abandon");
    expect(await passes(survivors, op.id, 3)).toBe("abandoned");
    const ended = await db.failoverOperation.findUniqueOrThrow({ where: { id: op.id } });
    expect(ended.summary).toMatch(/^Abandoned; nothing was undone\. 100: its job stays DISABLED by this hold/);
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeTruthy();
    expect(await db.failoverLock.count()).toBe(0);
  });
});
