import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runPollCycle } from "@/lib/poller/run-cycle";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import type { FailoverDeps } from "./deps";
import { advanceOperation } from "./engine";
import { gatherRecoveryPreflight } from "./recovery-gather";
import { planNodeRecovery, startNodeRecovery, startRecovery } from "./recovery-operations";
import { recordStartChoice } from "./recovery-start-choice";
import { trustOfferedHostKey, getRecoveryCredentialView } from "@/lib/clusters/recovery-credential";
import { testRecoveryConnection } from "@/lib/clusters/recovery-shell";
import { openRemoteShell } from "@/lib/ssh/client";
import type { RemoteShellFor } from "@/lib/ssh/remote-shell";
import { operatorMovesConfig, operatorRuns, storeSimulatorCredential } from "./recovery-test-support";

// Recovery of non-HA guests from a dead node, against the simulated cluster over HTTPS with the
// poller recording the outage as it does in the app, and the simulator's clock as the only clock.

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
let client: ProxmoxClient;
const holder = { id: "user-1", label: "olivia@example.com" };

const now = () => fx.sim.now() * 1000;
const deps = (extra: Partial<FailoverDeps> = {}): FailoverDeps => ({ db, clientFor: () => client, now, ...extra });
const gather = () => ({ db, client, now });

async function poll(cycles: number, seconds = 15) {
  for (let i = 0; i < cycles; i++) {
    fx.sim.advance(seconds);
    const result = await runPollCycle("demo", { db, client, now: () => new Date(now()) });
    expect(result.ok).toBe(true);
  }
}

/** Kills a node and lets the poller see it offline for `cycles` polls 15 s apart. */
async function kill(node: string, cycles: number) {
  fx.sim.setNodeOnline(node, false);
  await poll(cycles);
}

async function passes(operationId: string, count: number, extra: Partial<FailoverDeps> = {}) {
  let state = "running";
  for (let i = 0; i < count && state === "running"; i++) {
    state = (await advanceOperation(deps(extra), operationId, client)).state;
    fx.sim.advance(2);
  }
  return state;
}

async function stepOf(operationId: string, kind: string, vmid?: number) {
  return db.failoverStep.findFirstOrThrow({ where: { operationId, kind, ...(vmid ? { vmid } : {}) }, orderBy: { seq: "desc" } });
}

/** Passes until the guest's start is offered (the configuration is on the target), at most `max`. */
async function untilOffered(operationId: string, vmid: number, max = 100) {
  for (let i = 0; i < max; i++) {
    const offer = await stepOf(operationId, "confirm-start", vmid);
    if (offer.state === "checking" && JSON.parse(offer.result).offer === true) return offer;
    if (["done", "failed", "skipped"].includes(offer.state)) throw new Error(`offer ended: ${offer.state} ${offer.message}`);
    await passes(operationId, 1);
  }
  throw new Error("the start was never offered");
}

const answer = (operationId: string, vmid: number, choice: "start" | "leave-stopped", user = holder) =>
  recordStartChoice(db, { operationId, vmid, choice, user, now: now() });

const startTasks = (vmid: number) => fx.sim.model.allTasks().filter((t) => /start$/.test(t.type) && t.id === String(vmid) && t.starttime > fx.sim.now() - 3600);
/** Every guest runs on exactly one node: Proxmox lists each VMID once. */
const placementsOk = () => [...fx.sim.model.guests.values()].every((g) => [...fx.sim.model.guests.values()].filter((x) => x.vmid === g.vmid).length === 1);

beforeEach(async () => {
  ({ db, fx, cleanup } = await startSimulatedCluster());
  client = fx.client();
  // Two hours of schedule (every job synced), then the poller keeps the disk lists.
  for (let i = 0; i < 120; i++) fx.sim.advance(60);
  await poll(6);
  // Setup replays two hours and six polls: room for a loaded machine.
}, 60_000);
afterEach(() => cleanup());

// Each scenario runs hundreds of passes over HTTPS and SSH: room for a loaded machine.
const LONG = { timeout: 120_000 };

describe("recovering a non-HA guest from a dead node", LONG, () => {
  it("without a credential shows the commands, sees the operator's move, starts the guest once and shows the job turned around and parked", async () => {
    await kill("pve2", 10);
    const op = await startRecovery(gather(), { clusterId: "demo", vmid: 107, node: "pve2", confirmNode: "pve2" }, holder);
    expect(op.preflight.verdict).toBe("pass");
    expect(op.preflight.plan).toMatchObject({ source: "pve2", target: "pve1", mode: "recover", running: true });
    expect(op.preflight.dataLoss).toMatchObject({ kind: "window", target: "pve1" });
    expect(await passes(op.id, 10)).toBe("running");
    const waiting = await stepOf(op.id, "move-config");
    expect(waiting.state).toBe("checking");
    expect(JSON.parse(waiting.result).commands).toContain("mv /etc/pve/nodes/pve2/qemu-server/107.conf /etc/pve/nodes/pve1/qemu-server/107.conf");
    expect(fx.sim.model.guest(107)?.node).toBe("pve2");
    expect(startTasks(107)).toHaveLength(0);

    // Nothing can be chosen before the configuration is on the target.
    await expect(answer(op.id, 107, "start")).rejects.toThrow(/not offered now/);

    await operatorMovesConfig(fx, { vmid: 107, from: "pve2", to: "pve1" });
    const offer = await untilOffered(op.id, 107);
    expect(offer.message).toBe("The configuration of VM 107 is on pve1. Start it now?");
    expect(JSON.parse((await stepOf(op.id, "move-config")).result).movedBy).toBe("operator");
    // Waiting survives any number of passes (each is a fresh read of the database, as after a restart): nothing starts by itself.
    expect(await passes(op.id, 30)).toBe("running");
    expect((await stepOf(op.id, "confirm-start")).state).toBe("checking");
    expect(startTasks(107)).toHaveLength(0);
    expect(fx.sim.model.guest(107)).toMatchObject({ node: "pve1", status: "stopped" });
    // Only the holder decides.
    await expect(answer(op.id, 107, "start", { id: "user-2", label: "victor@example.com" })).rejects.toThrow(/olivia@example.com holds this operation/);
    expect((await answer(op.id, 107, "start")).message).toMatch(/olivia@example.com chose to start VM 107 on pve1/);
    await expect(answer(op.id, 107, "leave-stopped")).rejects.toThrow(/already made/);
    expect(await passes(op.id, 200)).toBe("succeeded");
    expect(fx.sim.model.guest(107)).toMatchObject({ node: "pve1", status: "running" });
    expect(startTasks(107)).toHaveLength(1);
    const kinds = (await db.failoverStep.findMany({ where: { operationId: op.id, vmid: 107 }, orderBy: { seq: "asc" } })).map((s) => s.kind);
    // The last "still dead" comes after the operator's answer, right before the start.
    expect(kinds.slice(kinds.indexOf("confirm-start"))).toEqual(["confirm-start", "verify-node-dead", "start-guest", "verify-jobs-parked"]);
    expect(fx.sim.model.jobs.get("107-0")).toMatchObject({ source: "pve1", target: "pve2" });
    expect((await stepOf(op.id, "verify-jobs-parked")).message).toMatch(/turned around by Proxmox\. Parked while pve2 is down/);
    expect(placementsOk()).toBe(true);
    const audit = await db.auditEvent.findMany({ where: { targetType: "failover", targetId: op.id } });
    expect(audit.map((a) => a.action)).toContain("failover.confirm_fenced");
  });

  it("is refused without quorum, with the pvecm expected command and its trade-off", async () => {
    await kill("pve2", 10);
    fx.sim.model.setQuorumOverride(false, fx.sim.now());
    const pre = await gatherRecoveryPreflight(gather(), { clusterId: "demo", vmid: 107, node: "pve2" });
    expect(pre.checks.find((c) => c.name === "Quorum")?.result).toBe("fail");
    expect(pre.quorum?.command).toMatch(/^pvecm expected \d$/);
    expect(pre.quorum?.explanation).toMatch(/no other cluster change/);
    await expect(startRecovery(gather(), { clusterId: "demo", vmid: 107, node: "pve2", confirmNode: "pve2" }, holder)).rejects.toThrow(/no quorum.*pvecm expected/);
    expect(await db.failoverOperation.count()).toBe(0);
  });

  it("is refused while the node has been seen offline too briefly", async () => {
    await kill("pve2", 2);
    await expect(startRecovery(gather(), { clusterId: "demo", vmid: 107, node: "pve2", confirmNode: "pve2" }, holder)).rejects.toThrow(/seen offline for only/);
    // The minimum is configurable.
    const op = await startRecovery({ ...gather(), minOfflineSeconds: 10 }, { clusterId: "demo", vmid: 107, node: "pve2", confirmNode: "pve2" }, holder);
    expect(op.id).toBeTruthy();
  });

  it("is refused without the typed confirmation of the node's name, and for an HA-managed guest", async () => {
    await kill("pve1", 10);
    await expect(startRecovery(gather(), { clusterId: "demo", vmid: 101, node: "pve1", confirmNode: "pve 1" }, holder)).rejects.toThrow(/Type the node's name, pve1/);
    await expect(startRecovery(gather(), { clusterId: "demo", vmid: 100, node: "pve1", confirmNode: "pve1" }, holder)).rejects.toThrow(/HA-managed/);
  });

  it("leaving the offered start declined ends the lane without a start, and the summary says so", async () => {
    await kill("pve2", 10);
    const op = await startRecovery(gather(), { clusterId: "demo", vmid: 107, node: "pve2", confirmNode: "pve2" }, holder);
    await passes(op.id, 5);
    await operatorMovesConfig(fx, { vmid: 107, from: "pve2", to: "pve1" });
    await untilOffered(op.id, 107);
    await answer(op.id, 107, "leave-stopped");
    expect(await passes(op.id, 200)).toBe("succeeded");
    expect(fx.sim.model.guest(107)).toMatchObject({ node: "pve1", status: "stopped" });
    expect(startTasks(107)).toHaveLength(0);
    expect((await stepOf(op.id, "start-guest")).state).toBe("skipped");
    expect((await stepOf(op.id, "verify-jobs-parked")).state).toBe("done");
    const ended = await db.failoverOperation.findUniqueOrThrow({ where: { id: op.id } });
    expect(ended.summary).toMatch(/olivia@example.com chose to leave VM 107 stopped on pve1/);
    expect(placementsOk()).toBe(true);
  });

  it("a guest started at the shell while the start is offered is not started again; the lane stops and says who did not start it", async () => {
    await kill("pve2", 10);
    const op = await startRecovery(gather(), { clusterId: "demo", vmid: 107, node: "pve2", confirmNode: "pve2" }, holder);
    await passes(op.id, 5);
    await operatorMovesConfig(fx, { vmid: 107, from: "pve2", to: "pve1" });
    await untilOffered(op.id, 107);
    await operatorRuns(fx, "pve1", "qm start 107");
    for (let i = 0; i < 50 && fx.sim.model.guest(107)?.status !== "running"; i++) fx.sim.advance(2);
    expect(await passes(op.id, 20)).toBe("failed");
    const offer = await stepOf(op.id, "confirm-start");
    expect(offer.state).toBe("failed");
    expect(offer.message).toMatch(/already runs on pve1, but no one chose Start here: it was started outside pve-standby/);
    expect((await stepOf(op.id, "start-guest")).state).toBe("skipped");
    expect(startTasks(107)).toHaveLength(1);
    expect(placementsOk()).toBe(true);
  });

  it("stops without starting the guest when the node comes back between the operator's Start and the start", async () => {
    await kill("pve2", 10);
    const op = await startRecovery(gather(), { clusterId: "demo", vmid: 107, node: "pve2", confirmNode: "pve2" }, holder);
    await passes(op.id, 5);
    await operatorMovesConfig(fx, { vmid: 107, from: "pve2", to: "pve1" });
    await untilOffered(op.id, 107);
    await answer(op.id, 107, "start");
    for (let i = 0; i < 50 && (await stepOf(op.id, "confirm-start")).state !== "done"; i++) await passes(op.id, 1);
    expect((await stepOf(op.id, "confirm-start")).state).toBe("done");
    fx.sim.setNodeOnline("pve2", true);
    expect(await passes(op.id, 50)).toBe("failed");
    expect(startTasks(107)).toHaveLength(0);
    expect(fx.sim.model.guest(107)?.status).not.toBe("running");
    const stopped = await db.failoverStep.findFirstOrThrow({ where: { operationId: op.id, state: "failed" } });
    expect(stopped.kind).toBe("verify-node-dead");
    expect(stopped.message).toMatch(/pve2 is back online: stopped, and VM 107 was NOT started on pve1/);
    expect((await stepOf(op.id, "start-guest")).state).toBe("skipped");
  });
});

describe("recovering with the cluster's recovery credential (SSH)", LONG, () => {
  const sshOf = (node: string) => fx.servers.endpoints.find((e) => e.node === node)!;

  it("logs in to the target, checks quorum with pvecm status, moves the configuration and starts the guest; the host key is pinned on first use", async () => {
    const { shellFor, encryptionKey } = await storeSimulatorCredential(db, fx);
    await kill("pve2", 10);
    const op = await startRecovery(gather(), { clusterId: "demo", vmid: 106, node: "pve2", confirmNode: "pve2" }, holder);
    expect(await passes(op.id, 200, { shellFor })).toBe("succeeded");
    expect(fx.sim.model.guest(106)).toMatchObject({ node: "pve1", status: "running", type: "lxc" });
    expect(startTasks(106)).toHaveLength(1);
    const move = await stepOf(op.id, "move-config");
    expect(JSON.parse(move.result)).toMatchObject({ mode: "ssh", mvCode: 0, command: "mv /etc/pve/nodes/pve2/lxc/106.conf /etc/pve/nodes/pve1/lxc/106.conf" });
    expect(JSON.parse(move.result).pvecm).toMatch(/Quorate:\s+Yes/);
    // pve-standby moved it itself: the start follows without asking.
    const offer = await stepOf(op.id, "confirm-start");
    expect(offer).toMatchObject({ state: "done", decision: null });
    expect(JSON.parse(offer.result)).toMatchObject({ auto: true });
    expect(JSON.parse(move.result).movedBy).toBe("pve-standby");
    const pin = await db.nodeHostKey.findUniqueOrThrow({ where: { clusterId_node: { clusterId: "demo", node: "pve1" } } });
    expect(pin.fingerprint).toBe(sshOf("pve1").sshFingerprint);
    // The page's view never carries the secret.
    const view = await getRecoveryCredentialView(db, "demo");
    expect(JSON.stringify(view)).not.toContain(fx.sim.credentials.rootPassword);
    expect(encryptionKey).toHaveLength(32);
    expect(placementsOk()).toBe(true);
  });

  it("a restart of the executor between the mv and recording it adopts the move instead of moving again", async () => {
    const { shellFor } = await storeSimulatorCredential(db, fx);
    // The executor dies right after the node ran `mv`: the answer never reaches the database.
    const dying: RemoteShellFor = async (clusterId, node) => {
      const shell = await shellFor(clusterId, node);
      if (!shell) return null;
      return { node: shell.node, close: () => shell.close(), run: async (command, options) => {
        const out = await shell.run(command, options);
        if (command.startsWith("mv ")) throw new Error("executor killed after sending");
        return out;
      } };
    };
    await kill("pve2", 10);
    const op = await startRecovery(gather(), { clusterId: "demo", vmid: 107, node: "pve2", confirmNode: "pve2" }, holder);
    for (let i = 0; i < 20 && (await stepOf(op.id, "move-config")).state !== "acting"; i++) await passes(op.id, 1, { shellFor: dying });
    expect((await stepOf(op.id, "move-config")).state).toBe("acting");
    expect(fx.sim.model.guest(107)?.node).toBe("pve1");
    expect(await passes(op.id, 200, { shellFor })).toBe("succeeded");
    const move = await stepOf(op.id, "move-config");
    expect(move.message).toMatch(/Proxmox lists VM 107 on pve1/);
    const audit = await db.auditEvent.findMany({ where: { targetType: "failover", targetId: op.id, action: "failover.task" } });
    expect(audit.some((a) => a.details.includes("went out before the restart"))).toBe(true);
    expect(startTasks(107)).toHaveLength(1);
    expect(fx.sim.model.guest(107)).toMatchObject({ node: "pve1", status: "running" });
  });

  it("a changed host key stops the connection, shows both fingerprints, and an admin may trust the new key", async () => {
    const { shellFor } = await storeSimulatorCredential(db, fx);
    const wrong = sshOf("pve3").sshFingerprint;
    await db.nodeHostKey.create({ data: { clusterId: "demo", node: "pve1", fingerprint: wrong, pinnedAt: new Date(now()) } });
    await kill("pve2", 10);
    const op = await startRecovery(gather(), { clusterId: "demo", vmid: 107, node: "pve2", confirmNode: "pve2" }, holder);
    expect(await passes(op.id, 20, { shellFor })).toBe("failed");
    const move = await stepOf(op.id, "move-config");
    expect(move.state).toBe("failed");
    expect(move.message).toContain(wrong);
    expect(move.message).toContain(sshOf("pve1").sshFingerprint);
    expect(fx.sim.model.guest(107)?.node).toBe("pve2");
    expect(startTasks(107)).toHaveLength(0);
    const view = await getRecoveryCredentialView(db, "demo");
    expect(view.nodes.find((n) => n.node === "pve1")).toMatchObject({ hostKey: { fingerprint: wrong }, offered: { fingerprint: sshOf("pve1").sshFingerprint } });
    await trustOfferedHostKey(db, "demo", "pve1", sshOf("pve1").sshFingerprint, new Date(now()));
    const results = await testRecoveryConnection({ db, encryptionKey: (await storeSimulatorCredential(db, fx)).encryptionKey, open: openRemoteShell, timeoutMs: 5000 }, "demo");
    expect(results.find((r) => r.node === "pve1")).toMatchObject({ ok: true });
    expect(results.find((r) => r.node === "pve2")).toMatchObject({ ok: false, message: expect.stringMatching(/offline/) });
  });
});

describe("recovering a whole node", LONG, () => {
  it("recovers the non-HA guests with a replica, follows HA's guest and lists the unreplicated one as not recoverable", async () => {
    await kill("pve1", 10);
    const op = await startNodeRecovery(gather(), { clusterId: "demo", node: "pve1", parallelism: 2, confirmNode: "pve1" }, holder);
    const steps = await db.failoverStep.findMany({ where: { operationId: op.id } });
    expect(steps.find((s) => s.vmid === 110)).toMatchObject({ kind: "leave-alone", state: "skipped" });
    expect(steps.find((s) => s.vmid === 100)?.kind).toBe("follow-ha");
    expect(new Set(steps.filter((s) => s.kind === "move-config").map((s) => s.vmid))).toEqual(new Set([101, 102, 103]));
    for (let i = 0; i < 60 && (await db.failoverOperation.findUniqueOrThrow({ where: { id: op.id } })).state === "running"; i++) {
      await passes(op.id, 3);
      for (const s of await db.failoverStep.findMany({ where: { operationId: op.id, kind: "move-config", state: "checking" } })) {
        const p = JSON.parse(s.params) as { vmid: number; source: string; target: string };
        if (fx.sim.model.guest(p.vmid)?.node === p.source) await operatorMovesConfig(fx, { vmid: p.vmid, from: p.source, to: p.target });
      }
      // One Start per guest, as each configuration arrives.
      for (const s of await db.failoverStep.findMany({ where: { operationId: op.id, kind: "confirm-start", state: "checking", decision: null } })) {
        if (JSON.parse(s.result).offer === true) await answer(op.id, s.vmid, "start");
      }
    }
    expect(await passes(op.id, 400)).toBe("succeeded");
    expect(fx.sim.model.guest(101)).toMatchObject({ node: "pve2", status: "running" });
    expect(fx.sim.model.guest(102)).toMatchObject({ node: "pve3", status: "running" });
    expect(fx.sim.model.guest(103)).toMatchObject({ node: "pve2", status: "running" });
    expect(fx.sim.model.guest(100)?.node).toBe("pve2");
    expect(fx.sim.model.guest(110)?.node).toBe("pve1");
    for (const vmid of [101, 102, 103]) expect(startTasks(vmid)).toHaveLength(1);
    expect(placementsOk()).toBe(true);
  });

  it("plans the startup order the poller read and kept with the disk lists, without a credential", async () => {
    // 103 first, then 101 (`order=` may be omitted), then 102 without an order, after every ordered guest.
    fx.sim.model.guest(103)!.startup = "order=1,up=30";
    fx.sim.model.guest(101)!.startup = "5,down=60";
    // The poller reads the configurations again (as it does hourly or when a guest's jobs change).
    await db.guestDiskList.deleteMany({ where: { clusterId: "demo" } });
    await poll(3);
    expect((await db.guestDiskList.findUniqueOrThrow({ where: { clusterId_vmid: { clusterId: "demo", vmid: 101 } } })).startupOrder).toBe(5);
    await kill("pve1", 10);
    const plan = await planNodeRecovery(gather(), "demo", "pve1");
    expect(plan.guests.filter((g) => g.action === "recover").map((g) => [g.vmid, g.startupOrder])).toEqual([[103, 1], [101, 5], [102, null]]);
    const op = await startNodeRecovery(gather(), { clusterId: "demo", node: "pve1", parallelism: 1, confirmNode: "pve1" }, holder);
    const moves = await db.failoverStep.findMany({ where: { operationId: op.id, kind: "move-config" }, orderBy: { seq: "asc" } });
    expect(moves.map((m) => m.vmid)).toEqual([103, 101, 102]);
  });
});
