import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runPollCycle } from "@/lib/poller/run-cycle";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { api, jobStatus } from "@/lib/simulator/test-support";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { gatherSwitchoverPreflight } from "./gather";
import { OTHER_JOBS_CHECK } from "./other-jobs";
import { gatherRecoveryPreflight } from "./recovery-gather";
import { operatorMovesConfig } from "./recovery-test-support";

// The preflights' word on a guest's job to a third node (other-jobs.ts), checked against what
// the simulated cluster then does. The demo's CT 108 lives on pve3 with two jobs: 108-0 to pve1
// (every 15 min) and 108-1 to pve2 (hourly).

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
let client: ProxmoxClient;

const now = () => fx.sim.now() * 1000;
const gather = () => ({ db, client, now });
const DISK = "local-zfs:subvol-108-disk-0";

async function poll(cycles: number, seconds = 15) {
  for (let i = 0; i < cycles; i++) {
    fx.sim.advance(seconds);
    const result = await runPollCycle("demo", { db, client, now: () => new Date(now()) });
    expect(result.ok).toBe(true);
  }
}

/** Advances the simulated clock until `done`, a bounded number of steps. */
async function until(what: string, done: () => Promise<boolean>, step = 10, max = 3600): Promise<void> {
  for (let t = 0; t < max; t += step) {
    if (await done()) return;
    fx.sim.advance(step);
  }
  throw new Error(`${what} did not happen within ${max} simulated seconds`);
}

async function runLog(node: string, jobId: string): Promise<string[]> {
  const res = await api(fx.sim, "GET", `/nodes/${node}/replication/${jobId}/log`, { limit: 0 }, undefined, node);
  return (res.data as { t: string }[]).map((l) => l.t);
}

const otherJobs = (checks: { name: string; result: string; message: string }[]) => checks.filter((c) => c.name === OTHER_JOBS_CHECK);

beforeEach(async () => {
  ({ db, fx, cleanup } = await startSimulatedCluster());
  client = fx.client();
  // Two hours of schedule: every job has synced; then the poller keeps the disk lists.
  for (let i = 0; i < 120; i++) fx.sim.advance(60);
  await poll(6);
}, 60_000);
afterEach(() => cleanup());

const LONG = { timeout: 120_000 };

describe("a guest's job to a third node when the guest moves", LONG, () => {
  it("a switch-over says it continues incrementally (and it does), and warns about a job that never synced with the size of the full copy", async () => {
    const pre = await gatherSwitchoverPreflight(gather(), "demo", 108, "pve1");
    expect(otherJobs(pre.checks)).toEqual([
      {
        name: OTHER_JOBS_CHECK,
        result: "pass",
        message: "Job 108-1 to pve2 moves with the guest: Proxmox hands its state to pve1, whose final sync carries the job's last snapshot along, so it continues incrementally from pve1.",
      },
    ]);

    // What the simulator then does, as Proxmox: same last_sync on pve1, incremental from it.
    const before = (await jobStatus(fx.sim, "pve3", "108-1"))!;
    const upid = (await api(fx.sim, "POST", "/nodes/pve3/lxc/108/migrate", { target: "pve1", restart: 1 }, undefined, "pve3")).data as string;
    expect(upid).toContain(":vzmigrate:108:");
    await until("the migration", async () => fx.sim.model.guest(108)?.node === "pve1" && !fx.sim.model.guest(108)?.lock, 1);
    expect((await jobStatus(fx.sim, "pve1", "108-1"))?.last_sync).toBe(before.last_sync);
    await api(fx.sim, "POST", "/nodes/pve1/replication/108-1/schedule_now", {}, undefined, "pve1");
    await until("108-1's run from pve1", async () => ((await jobStatus(fx.sim, "pve1", "108-1"))?.last_sync ?? 0) > before.last_sync);
    expect((await runLog("pve1", "108-1")).some((l) => l.includes(`incremental sync '${DISK}' (__replicate_108-1_${before.last_sync}__ => `))).toBe(true);

    // A second job of VM 101 (on pve1, 32 GiB, replicated to pve2) created disabled never syncs.
    const created = await api(fx.sim, "POST", "/cluster/replication", { id: "101-1", target: "pve3", type: "local", disable: 1 });
    expect(created.status).toBe(200);
    const vm = await gatherSwitchoverPreflight(gather(), "demo", 101, "pve2");
    expect(otherJobs(vm.checks)).toEqual([
      {
        name: OTHER_JOBS_CHECK,
        result: "warning",
        message: "Job 101-1 to pve3 has never completed a sync: its first run, from pve2 after the move, copies the replicated disks in full (32 GiB provisioned).",
      },
    ]);
    expect(vm.verdict).toBe("warning");
  });

  it("a recovery to the older replica warns that the newer one is rolled back (and it is); to the newer one it passes", async () => {
    // Wait for a quarter-hour sync of 108-0 (to pve1) after 108-1's hourly one (to pve2).
    const synced = async () => [(await jobStatus(fx.sim, "pve3", "108-0"))!, (await jobStatus(fx.sim, "pve3", "108-1"))!] as const;
    await until("108-0 syncing 10 min after 108-1", async () => {
      const [j0, j1] = await synced();
      return j0.last_sync - j1.last_sync >= 600;
    }, 60);
    const [newer, older] = await synced();
    const nodeOf = (j: typeof newer) => j.target as string;
    expect([nodeOf(newer), nodeOf(older)]).toEqual(["pve1", "pve2"]);

    fx.sim.setNodeOnline("pve3", false);
    await poll(10);

    const toNewer = await gatherRecoveryPreflight(gather(), { clusterId: "demo", vmid: 108, node: "pve3", target: nodeOf(newer) });
    expect(otherJobs(toNewer.checks)).toEqual([
      expect.objectContaining({ result: "pass", message: expect.stringContaining(`Job ${older.id} to ${nodeOf(older)} runs from ${nodeOf(newer)} at once after the move: ${nodeOf(newer)} holds the job's last snapshot`) }),
    ]);

    const toOlder = await gatherRecoveryPreflight(gather(), { clusterId: "demo", vmid: 108, node: "pve3", target: nodeOf(older) });
    const [warning] = otherJobs(toOlder.checks);
    expect(warning?.result).toBe("warning");
    expect(warning?.message).toMatch(new RegExp(`^${nodeOf(newer)} holds a newer copy \\(job ${newer.id} synced .+ after ${nodeOf(older)}'s last sync\\): .* rolls ${nodeOf(newer)} back to ${nodeOf(older)}'s snapshot .*; recovering to ${nodeOf(newer)} loses less\\.$`));
    expect(toOlder.verdict).toBe("warning");

    // What Proxmox (and the simulator) then does: the newer replica's job runs at once from the
    // older one's node, based on the recovered job's snapshot; its own newer snapshot is gone.
    await operatorMovesConfig(fx, { vmid: 108, from: "pve3", to: nodeOf(older) });
    await until(`${newer.id}'s first run from ${nodeOf(older)}`, async () => ((await jobStatus(fx.sim, nodeOf(older), newer.id))?.last_sync ?? 0) > 0, 10, 600);
    const log = await runLog(nodeOf(older), newer.id);
    expect(log.some((l) => l.includes(`incremental sync '${DISK}' (__replicate_${older.id}_${older.last_sync}__ => `))).toBe(true);
    expect(fx.sim.model.volume(nodeOf(newer), DISK)?.snapshots.has(`__replicate_${newer.id}_${newer.last_sync}__`)).toBe(false);
  });
});
