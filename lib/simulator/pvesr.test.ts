import { describe, expect, it } from "vitest";

import { api, frozenSimulator, jobStatus, T0 } from "./test-support";
import type { Simulator } from "./simulator";

const FIRST_TICK = Math.ceil(T0 / 60) * 60; // 1700000040

/** Keeps only the given jobs so a test can follow them in isolation. */
function onlyJobs(sim: Simulator, ...ids: string[]): void {
  for (const job of sim.model.listJobs()) if (!ids.includes(job.id)) sim.model.deleteJob(job.id);
}

async function logLines(sim: Simulator, node: string, id: string): Promise<string[]> {
  const res = await api(sim, "GET", `/nodes/${node}/replication/${id}/log`, { limit: 0 }, undefined, node);
  return (res.data as { t: string }[]).map((l) => l.t);
}

async function control(sim: Simulator, method: string, path: string, body: Record<string, unknown>) {
  const res = await sim.handle("pve1", {
    method,
    url: `/control${path}`,
    headers: { authorization: `Bearer ${sim.controlToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: JSON.parse(res.body) as { data: Record<string, unknown> } };
}

async function advanceUntil(sim: Simulator, done: () => Promise<boolean>, step = 60, max = 86_400): Promise<void> {
  for (let t = 0; t < max; t += step) {
    if (await done()) return;
    sim.advance(step);
  }
  throw new Error("condition not reached");
}

describe("pvesr scheduler", () => {
  it("runs a new job at the next tick: full sync first, pid while syncing, then incremental", async () => {
    const sim = frozenSimulator();
    onlyJobs(sim, "101-0");
    expect((await jobStatus(sim, "pve1", "101-0"))?.next_sync).toBe(900); // first */15 event after last_try 0

    sim.advance(FIRST_TICK - T0 + 5);
    const syncing = await jobStatus(sim, "pve1", "101-0");
    expect(syncing).toMatchObject({ last_try: FIRST_TICK, last_sync: 0, fail_count: 0, pid: expect.any(Number) });

    await advanceUntil(sim, async () => ((await jobStatus(sim, "pve1", "101-0"))?.last_sync ?? 0) > 0, 10);
    const first = (await jobStatus(sim, "pve1", "101-0"))!;
    expect(first.last_sync).toBe(FIRST_TICK);
    expect(first.pid).toBeUndefined();
    expect(first.duration).toBeGreaterThan(100); // 17.6 GiB over a ~1 GbE link
    expect(first.next_sync).toBe(1_700_000_100); // computed from last_try, not from the end of the run
    const full = await logLines(sim, "pve1", "101-0");
    expect(full[0]).toMatch(/^2023-11-14 22:14:00 101-0: start replication job$/);
    expect(full).toContain(`2023-11-14 22:14:00 101-0: guest => VM 101, running => ${full[1]?.split("running => ")[1]}`);
    expect(full.some((l) => l.endsWith(`101-0: full sync 'local-zfs:vm-101-disk-0' (__replicate_101-0_${FIRST_TICK}__)`))).toBe(true);
    expect(full.at(-1)).toMatch(/101-0: end replication job$/);

    const content = await api(sim, "GET", "/nodes/pve2/storage/local-zfs/content", { vmid: 101 }, undefined, "pve2");
    expect(content.data).toEqual([expect.objectContaining({ volid: "local-zfs:vm-101-disk-0", vmid: 101, format: "raw" })]);

    await advanceUntil(sim, async () => ((await jobStatus(sim, "pve1", "101-0"))?.last_sync ?? 0) > first.last_sync);
    const second = (await jobStatus(sim, "pve1", "101-0"))!;
    expect(second.last_sync % 60).toBe(0);
    const incremental = await logLines(sim, "pve1", "101-0");
    const prev = `__replicate_101-0_${first.last_sync}__`;
    const next = `__replicate_101-0_${second.last_sync}__`;
    expect(incremental.some((l) => l.endsWith(`incremental sync 'local-zfs:vm-101-disk-0' (${prev} => ${next})`))).toBe(true);
    expect(incremental.some((l) => l.endsWith(`delete previous replication snapshot '${prev}' on local-zfs:vm-101-disk-0`))).toBe(true);
    expect(second.duration).toBeLessThan(first.duration as number);
  });

  it("retries a failing job after 5, 10, 15, then every 30 minutes and recovers", async () => {
    const sim = frozenSimulator();
    onlyJobs(sim, "102-0");
    expect((await control(sim, "PUT", "/storage/pve3/local-zfs", { fill: 1 })).status).toBe(200);
    const tries: number[] = [];
    for (let i = 0; i < 6; i++) {
      await advanceUntil(sim, async () => ((await jobStatus(sim, "pve1", "102-0"))?.fail_count ?? 0) > i);
      const s = (await jobStatus(sim, "pve1", "102-0"))!;
      tries.push(s.last_try);
      expect(s.next_sync).toBe(s.last_try + 60 * (s.fail_count <= 3 ? 5 * s.fail_count : 30));
    }
    expect(tries.map((t) => t - FIRST_TICK)).toEqual([0, 300, 900, 1800, 3600, 5400]);
    const failed = (await jobStatus(sim, "pve1", "102-0"))!;
    expect(failed.last_sync).toBe(0);
    expect(failed.error).toMatch(/^command 'set -o pipefail && pvesm export local-zfs:subvol-102-disk-0 zfs .*' failed: exit code 255$/);
    expect((await logLines(sim, "pve1", "102-0")).some((l) => l.endsWith("cannot receive new filesystem stream: out of space"))).toBe(true);

    await control(sim, "PUT", "/storage/pve3/local-zfs", { fill: 0.2 });
    await advanceUntil(sim, async () => (await jobStatus(sim, "pve1", "102-0"))?.fail_count === 0, 10);
    const ok = (await jobStatus(sim, "pve1", "102-0"))!;
    expect(ok.last_sync).toBe(FIRST_TICK + 7200);
    expect(ok.error).toBeUndefined();
  });

  it("parks a job (next_sync 0) while its target node is offline", async () => {
    const sim = frozenSimulator();
    onlyJobs(sim, "101-0");
    sim.setNodeOnline("pve2", false);
    sim.advance(FIRST_TICK - T0 + 30);
    const parked = (await jobStatus(sim, "pve1", "101-0"))!;
    expect(parked).toMatchObject({ fail_count: 1, last_try: FIRST_TICK, next_sync: 0 });
    expect(parked.error).toBe(
      "command '/usr/bin/ssh -e none -o 'BatchMode=yes' -o 'HostKeyAlias=pve2' -o 'UserKnownHostsFile=/etc/pve/nodes/pve2/ssh_known_hosts' -o 'GlobalKnownHostsFile=none' root@10.10.10.12 -- pvesr prepare-local-job 101-0 local-zfs:vm-101-disk-0 --last_sync 0' failed: exit code 255",
    );
    sim.advance(3600);
    expect((await jobStatus(sim, "pve1", "101-0"))?.last_try).toBe(FIRST_TICK);
    sim.setNodeOnline("pve2", true);
    expect((await jobStatus(sim, "pve1", "101-0"))?.next_sync).toBe(FIRST_TICK + 300);
    await advanceUntil(sim, async () => (await jobStatus(sim, "pve1", "101-0"))?.fail_count === 0);
  });

  it("fails a running sync when its target dies, and forgets the pid when its own node dies", async () => {
    const sim = frozenSimulator();
    onlyJobs(sim, "101-0", "106-0");
    sim.advance(FIRST_TICK - T0 + 30);
    expect((await jobStatus(sim, "pve1", "101-0"))?.pid).toBeDefined();
    sim.setNodeOnline("pve2", false);
    sim.advance(5);
    const failed = (await jobStatus(sim, "pve1", "101-0"))!;
    expect(failed).toMatchObject({ fail_count: 1, last_sync: 0, next_sync: 0 });
    expect(failed.pid).toBeUndefined();
    expect((await logLines(sim, "pve1", "101-0")).at(-2)).toMatch(/client_loop: send disconnect: Broken pipe$/);
    expect(failed.error).toMatch(/^command 'set -o pipefail && pvesm export local-zfs:vm-101-disk-0 zfs .* failed: exit code 255$/);
    sim.setNodeOnline("pve2", true);
    // pve2's own job (106-0 → pve1) was running too; after pve2 returns it has no pid and no error.
    const own = (await jobStatus(sim, "pve2", "106-0"))!;
    expect(own).toMatchObject({ last_try: FIRST_TICK, fail_count: 0 });
    expect(own.pid).toBeUndefined();
  });

  it("fails on an injected network error and keeps the previous replica as the base", async () => {
    const sim = frozenSimulator();
    onlyJobs(sim, "108-0");
    await advanceUntil(sim, async () => ((await jobStatus(sim, "pve3", "108-0"))?.last_sync ?? 0) > 0, 10);
    const good = (await jobStatus(sim, "pve3", "108-0"))!;
    sim.model.networkFaults.set("pve3->pve1", "ssh_dispatch_run_fatal: Connection to 10.10.10.11 port 22: Connection reset by peer");
    await advanceUntil(sim, async () => ((await jobStatus(sim, "pve3", "108-0"))?.fail_count ?? 0) > 0, 10);
    const failed = (await jobStatus(sim, "pve3", "108-0"))!;
    expect(failed.last_sync).toBe(good.last_sync);
    expect(failed.next_sync).toBe(failed.last_try + 300);
    expect((await logLines(sim, "pve3", "108-0")).some((l) => l.endsWith("Connection reset by peer"))).toBe(true);
    sim.model.networkFaults.clear();
    await advanceUntil(sim, async () => (await jobStatus(sim, "pve3", "108-0"))?.fail_count === 0, 10);
    const lines = await logLines(sim, "pve3", "108-0");
    expect(lines.some((l) => l.includes(`incremental sync 'local-zfs:subvol-108-disk-0' (__replicate_108-0_${good.last_sync}__ =>`))).toBe(true);
  });

  it("runs one job at a time per node", async () => {
    const sim = frozenSimulator();
    for (let i = 0; i < 90; i++) {
      sim.advance(20);
      for (const node of sim.nodeNames) {
        const rows = (await api(sim, "GET", `/nodes/${node}/replication`, {}, undefined, node)).data as { pid?: number }[];
        expect(rows.filter((r) => r.pid !== undefined).length).toBeLessThanOrEqual(1);
      }
    }
    // db-primary's 127 GB initial sync at 80 MB/s still holds pve1's lock after 30 minutes.
    expect((await jobStatus(sim, "pve1", "101-0"))?.last_try).toBe(0);
  });

  it("schedule_now makes a job due at the next tick", async () => {
    const sim = frozenSimulator();
    onlyJobs(sim, "108-0");
    await advanceUntil(sim, async () => ((await jobStatus(sim, "pve3", "108-0"))?.last_sync ?? 0) > 0, 10);
    const done = (await jobStatus(sim, "pve3", "108-0"))!;
    expect(done.next_sync).toBe(1_700_000_100);
    sim.advance(1_700_000_100 - sim.now() + 5); // ran again at 22:15
    const before = (await jobStatus(sim, "pve3", "108-0"))!;
    expect(before.next_sync).toBe(1_700_001_000);
    const res = await api(sim, "POST", "/nodes/pve3/replication/108-0/schedule_now", {}, undefined, "pve3");
    expect(res.status).toBe(200);
    expect((await jobStatus(sim, "pve3", "108-0"))?.last_try).toBe(0);
    sim.advance(60);
    const after = (await jobStatus(sim, "pve3", "108-0"))!;
    expect(after.last_sync).toBeGreaterThan(before.last_sync);
    expect(after.last_sync).toBeLessThan(1_700_001_000);
  });

  it("is deterministic: one big step equals many small ones", async () => {
    const a = frozenSimulator({ seed: 7 });
    const b = frozenSimulator({ seed: 7 });
    a.advance(6 * 3600);
    for (let i = 0; i < 6 * 60; i++) b.advance(60);
    for (const node of a.nodeNames) {
      const ra = await api(a, "GET", `/nodes/${node}/replication`, {}, undefined, node);
      const rb = await api(b, "GET", `/nodes/${node}/replication`, {}, undefined, node);
      expect(ra.data).toEqual(rb.data);
    }
    expect(await logLines(a, "pve2", "107-0")).toEqual(await logLines(b, "pve2", "107-0"));
  });
});

describe("job removal", () => {
  async function synced(sim: Simulator) {
    onlyJobs(sim, "101-0");
    await advanceUntil(sim, async () => ((await jobStatus(sim, "pve1", "101-0"))?.last_sync ?? 0) > 0, 30);
  }
  const replicaOnPve2 = async (sim: Simulator) =>
    ((await api(sim, "GET", "/nodes/pve2/storage/local-zfs/content", { vmid: 101 }, undefined, "pve2")).data as unknown[]).length;

  it("DELETE marks the job; the next run removes target data and the job itself", async () => {
    const sim = frozenSimulator();
    await synced(sim);
    expect(await replicaOnPve2(sim)).toBe(1);
    expect((await api(sim, "DELETE", "/cluster/replication/101-0")).status).toBe(200);
    const marked = (await jobStatus(sim, "pve1", "101-0"))!;
    expect(marked).toMatchObject({ remove_job: "full", next_sync: 1 });
    sim.advance(60);
    expect((await api(sim, "GET", "/cluster/replication/101-0")).status).toBe(500);
    expect(await jobStatus(sim, "pve1", "101-0")).toBeUndefined();
    expect(await replicaOnPve2(sim)).toBe(0);
    const volume = sim.model.volume("pve1", "local-zfs:vm-101-disk-0");
    expect([...(volume?.snapshots.keys() ?? [])]).toEqual([]);
  });

  it("keep=1 removes only local snapshots; force=1 drops the config at once", async () => {
    const sim = frozenSimulator();
    await synced(sim);
    await api(sim, "DELETE", "/cluster/replication/101-0", { keep: 1 });
    expect((await jobStatus(sim, "pve1", "101-0"))?.remove_job).toBe("local");
    sim.advance(60);
    expect(sim.model.jobs.has("101-0")).toBe(false);
    expect(await replicaOnPve2(sim)).toBe(1);

    expect((await api(sim, "POST", "/cluster/replication", { id: "101-1", type: "local", target: "pve3" })).status).toBe(200);
    expect((await api(sim, "DELETE", "/cluster/replication/101-1", { force: 1 })).status).toBe(200);
    expect(sim.model.jobs.has("101-1")).toBe(false);
  });

  it("a disabled job marked for removal waits until it is enabled (scheduler skips disabled jobs first)", async () => {
    const sim = frozenSimulator();
    onlyJobs(sim, "104-0");
    await api(sim, "DELETE", "/cluster/replication/104-0", {}, undefined, "pve2");
    sim.advance(600);
    expect(await jobStatus(sim, "pve2", "104-0")).toMatchObject({ remove_job: "full", disable: 1, next_sync: 1 });
    await api(sim, "PUT", "/cluster/replication/104-0", { delete: "disable" });
    sim.advance(60);
    expect(sim.model.jobs.has("104-0")).toBe(false);
  });

  it("a full removal with the target offline fails and is retried every run", async () => {
    const sim = frozenSimulator();
    await synced(sim);
    sim.setNodeOnline("pve2", false);
    await api(sim, "DELETE", "/cluster/replication/101-0");
    sim.advance(180);
    const s = (await jobStatus(sim, "pve1", "101-0"))!;
    expect(s.fail_count).toBeGreaterThanOrEqual(2);
    expect(s.next_sync).toBe(1);
    expect(s.error).toMatch(/pvesr prepare-local-job 101-0 --scan local-zfs --last_sync 1 --force' failed: exit code 255$/);
  });
});
