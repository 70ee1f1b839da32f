import { describe, expect, it } from "vitest";

import { runCommandLine } from "./ssh/shell";
import { api, frozenSimulator, jobStatus } from "./test-support";
import type { Simulator } from "./simulator";

// A guest with two jobs (the demo's CT 108 on pve3: 108-0 to pve1 every 15 min, 108-1 to pve2
// hourly) moved to one of its targets: what becomes of the job to the third node
// (pve-guest-common Replication.pm find_common_replication_snapshot, AbstractMigrate.pm
// transfer_replication_state, PVE/CLI/pvesr.pm set_state; reference §3.5, §6.9).

const DISK = "local-zfs:subvol-108-disk-0";

async function waitFor(sim: Simulator, what: string, done: () => Promise<boolean>, step = 10, max = 7200): Promise<void> {
  for (let t = 0; t < max; t += step) {
    if (await done()) return;
    sim.advance(step);
  }
  throw new Error(`${what} did not happen within ${max} simulated seconds`);
}

async function runLog(sim: Simulator, node: string, jobId: string): Promise<string[]> {
  const res = await api(sim, "GET", `/nodes/${node}/replication/${jobId}/log`, { limit: 0 }, undefined, node);
  return (res.data as { t: string }[]).map((l) => l.t);
}

describe("the job to the third node after its guest moved", () => {
  it("keeps its state through a migration and continues incrementally from its own last snapshot", async () => {
    const sim = frozenSimulator();
    sim.advance(5400);
    const before = (await jobStatus(sim, "pve3", "108-1"))!;
    expect(before.last_sync).toBeGreaterThan(0);

    const upid = (await api(sim, "POST", "/nodes/pve3/lxc/108/migrate", { target: "pve1", restart: 1 }, undefined, "pve3")).data as string;
    expect(upid).toContain(":vzmigrate:108:");
    await waitFor(sim, "the migration", async () => sim.model.guest(108)?.node === "pve1" && !sim.model.guest(108)?.lock, 1);

    // pvesr set-state handed pve1 every job's state: 108-1 still knows its last sync.
    const moved = (await jobStatus(sim, "pve1", "108-1"))!;
    expect(moved).toMatchObject({ source: "pve1", target: "pve2", last_sync: before.last_sync, fail_count: 0 });
    expect((await jobStatus(sim, "pve1", "108-0"))!.target).toBe("pve3");
    // Its last snapshot travelled to pve1 in the migration's final sync of 108-0 (-R stream).
    const snap = `__replicate_108-1_${before.last_sync}__`;
    expect(sim.model.volume("pve1", DISK)!.snapshots.has(snap)).toBe(true);

    await api(sim, "POST", "/nodes/pve1/replication/108-1/schedule_now", {}, undefined, "pve1");
    await waitFor(sim, "108-1's next run from pve1", async () => ((await jobStatus(sim, "pve1", "108-1"))?.last_sync ?? 0) > before.last_sync);
    const log = await runLog(sim, "pve1", "108-1");
    expect(log.some((l) => l.includes(`incremental sync '${DISK}' (${snap} => `))).toBe(true);
    expect(log.some((l) => l.includes("full sync"))).toBe(false);
  });

  it("after a recovery starts from no state and finds another job's snapshot as its base, even right after the first full syncs", async () => {
    const sim = frozenSimulator();
    // Both jobs' first (full) syncs, and no second run of 108-0 yet: pve1 holds only 108-0's snapshot.
    await waitFor(sim, "both first syncs", async () => ((await jobStatus(sim, "pve3", "108-1"))?.last_sync ?? 0) > 0, 5, 600);
    const first = (await jobStatus(sim, "pve3", "108-0"))!;
    expect(first.last_sync).toBeGreaterThan(0);
    expect([...sim.model.volume("pve1", DISK)!.snapshots.keys()].some((s) => s.startsWith("__replicate_108-1_"))).toBe(false);
    // 108-1's full `zfs send -R` carried 108-0's snapshot to pve2 as well.
    const base = `__replicate_108-0_${first.last_sync}__`;
    expect(sim.model.volume("pve2", DISK)!.snapshots.has(base)).toBe(true);

    await sim.handle("pve1", { method: "PUT", url: "/control/nodes/pve3", headers: { authorization: `Bearer ${sim.controlToken}`, "content-type": "application/json" }, body: JSON.stringify({ online: 0 }) });
    sim.advance(120);
    const moved = await runCommandLine(sim, "pve2", "mv /etc/pve/nodes/pve3/lxc/108.conf /etc/pve/nodes/pve2/lxc/108.conf");
    expect(moved.code).toBe(0);

    // pve2 has no state for 108-0 (now pve2 → pve1): due at once, no last_sync snapshot, and the
    // newest snapshot both sides share is 108-0's own, which pve2 got through 108-1's stream.
    await waitFor(sim, "108-0's first run from pve2", async () => ((await jobStatus(sim, "pve2", "108-0"))?.last_try ?? 0) > 0, 10, 600);
    const after = (await jobStatus(sim, "pve2", "108-0"))!;
    expect(after).toMatchObject({ source: "pve2", target: "pve1", fail_count: 0 });
    expect(after.error).toBeUndefined();
    const log = await runLog(sim, "pve2", "108-0");
    expect(log.some((l) => l.includes(`incremental sync '${DISK}' (${base} => `))).toBe(true);
  });
});
