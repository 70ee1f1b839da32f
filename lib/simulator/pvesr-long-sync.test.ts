import { describe, expect, it } from "vitest";

import type { PerformedRun } from "./model-types";
import type { Simulator } from "./simulator";
import { api, frozenSimulator, jobStatus, T0 } from "./test-support";

// A sync that outlasts its schedule (pve-manager PVE/Service/pvescheduler.pm forks one
// replication worker a minute unless the last one still runs; PVE/API2/Replication.pm run_jobs
// runs every due job of the node once per iteration; pve-guest-common ReplicationState.pm
// job_status computes next_sync from last_try, get_next_job skips jobs of this iteration).

const TICK = 60;
const nextTick = (t: number) => Math.floor(t / TICK) * TICK + TICK;
const runsOf = (sim: Simulator, node: string, jobId?: string) =>
  sim.model.performedRuns.filter((r) => r.node === node && (jobId === undefined || r.jobId === jobId));
const LOCK_TIMEOUT = "can't lock file '/var/lock/pve-manager/pve-migrate-100' - got timeout";

/** The runs of one worker: each job starts the second the one before it ended (a new tick starts the next worker). */
function iterationFrom(runs: PerformedRun[], first: PerformedRun): PerformedRun[] {
  const out = [first];
  for (let i = runs.indexOf(first) + 1; i < runs.length; i++) {
    const run = runs[i] as PerformedRun;
    if (run.start !== Math.ceil((out.at(-1) as PerformedRun).end)) break;
    out.push(run);
  }
  return out;
}

function schedule(sim: Simulator, node: string, jobId: string) {
  return api(sim, "POST", `/nodes/${node}/replication/${jobId}/schedule_now`, {}, undefined, node);
}

describe("pvesr after a sync longer than the schedule", () => {
  it("runs a */5 job again at the first minute tick after its node's worker ended, whether the clock moves by 60 s, 600 s or 3 h at once", async () => {
    const timelines: string[][] = [];
    for (const step of [60, 600, 3 * 3600]) {
      const sim = frozenSimulator();
      for (let t = 0; t < 3 * 3600; t += step) sim.advance(step);
      const runs = runsOf(sim, "pve1");
      // VM 100's first full sync (232 GiB at 80 MB/s) takes half an hour; the worker then runs
      // the other new jobs of pve1 one after another in the same iteration.
      const [full, ...later] = runs.filter((r) => r.jobId === "100-0");
      expect(full).toMatchObject({ kind: "full", outcome: "ok", start: nextTick(T0) });
      expect(full!.end - full!.start).toBeGreaterThan(1800);
      const iteration = iterationFrom(runs, full!);
      expect(iteration.map((r) => r.jobId)).toEqual(["100-0", "101-0", "102-0", "103-0"]);
      // Its next_sync (the */5 event after last_try) passed long ago: due at the very next tick.
      const second = later[0]!;
      expect(second.start).toBe(nextTick(iteration.at(-1)!.end));
      expect(second.kind).toBe("incremental");
      // From then on every */5 event is kept (started on the event, or right after a job of the same tick).
      for (const run of later.slice(1)) expect(run.start - Math.floor(run.start / 300) * 300).toBeLessThan(TICK);
      timelines.push(runs.map((r) => `${r.jobId} ${r.start} ${r.end} ${r.outcome}`));
    }
    expect(timelines[1]).toEqual(timelines[0]);
    expect(timelines[2]).toEqual(timelines[0]);
  });

  it("schedule_now while the job's own sync runs fails on the guest's migration lock and changes nothing; after the run it makes the job due at the next tick", async () => {
    const sim = frozenSimulator();
    sim.advance(120);
    const syncing = (await jobStatus(sim, "pve1", "100-0"))!;
    expect(syncing).toMatchObject({ last_try: nextTick(T0), pid: expect.any(Number) });

    const refused = await schedule(sim, "pve1", "100-0");
    expect(refused.status).toBe(500);
    expect(refused.statusText).toBe(LOCK_TIMEOUT);
    expect(await jobStatus(sim, "pve1", "100-0")).toEqual(syncing);
    // Every job of the guest shares the lock; another guest's job is not affected.
    sim.model.putJob({ id: "100-1", type: "local", guest: 100, jobnum: 1, target: "pve3", source: "pve1", schedule: "*/5" });
    expect((await schedule(sim, "pve1", "100-1")).statusText).toBe(LOCK_TIMEOUT);
    expect((await schedule(sim, "pve1", "101-0")).status).toBe(200);
    sim.model.deleteJob("100-1");

    for (let i = 0; i < 120 && (await jobStatus(sim, "pve1", "100-0"))?.pid !== undefined; i++) sim.advance(30);
    const ended = (await jobStatus(sim, "pve1", "100-0"))!;
    expect(ended).toMatchObject({ last_sync: syncing.last_try, last_try: syncing.last_try, fail_count: 0 });
    expect(ended.next_sync).toBeLessThan(sim.now()); // already due: shown as "pending"
    // pve1's worker is still on the other jobs; the guest's lock is free again.
    const asked = await schedule(sim, "pve1", "100-0");
    expect(asked.status).toBe(200);
    const since = sim.now();
    expect((await jobStatus(sim, "pve1", "100-0"))?.last_try).toBe(0);
    for (let i = 0; i < 120 && runsOf(sim, "pve1", "100-0").length < 2; i++) sim.advance(60);
    const [, next] = runsOf(sim, "pve1", "100-0");
    expect(next!.start).toBeGreaterThan(since);
    const before = runsOf(sim, "pve1").filter((r) => r.end <= next!.start).at(-1)!;
    expect(next!.start).toBe(nextTick(before.end));
  });

  it("failback: after VM 100's full sync back to pve1, pve2's worker first runs its other due jobs of that iteration; 100-0 follows at the next tick", async () => {
    const sim = frozenSimulator({ seed: 12 });
    for (let i = 0; i < 240; i++) sim.advance(60);
    sim.setNodeOnline("pve1", false);
    for (let i = 0; i < 40 && sim.model.jobs.get("100-0")?.source !== "pve2"; i++) sim.advance(30);
    expect(sim.model.jobs.get("100-0")).toMatchObject({ source: "pve2", target: "pve1" });
    // The hold: the turned-around job is disabled while pve1 is down and after it returns.
    expect((await api(sim, "PUT", "/cluster/replication/100-0", { disable: 1 }, undefined, "pve2")).status).toBe(200);
    for (let i = 0; i < 10; i++) sim.advance(60);
    sim.setNodeOnline("pve1", true);
    for (let i = 0; i < 5; i++) sim.advance(60);
    // "Keep pve1's writes" moved its copies away: the sync back is a full one.
    for (const v of sim.model.volumesOn("pve1").filter((v) => v.volid.includes("vm-100-"))) sim.model.deleteVolume("pve1", v.volid);
    expect((await api(sim, "PUT", "/cluster/replication/100-0", { disable: 0 }, undefined, "pve2")).status).toBe(200);
    const released = sim.now();

    for (let i = 0; i < 60 && runsOf(sim, "pve2", "100-0").filter((r) => r.start >= released).length < 2; i++) sim.advance(600);
    const runs = runsOf(sim, "pve2").filter((r) => r.start >= released);
    const [full, next] = runs.filter((r) => r.jobId === "100-0");
    expect(full).toMatchObject({ kind: "full", outcome: "ok" });
    expect(full!.end - full!.start).toBeGreaterThan(1800);
    // The worker that ran the full sync goes on with every other due job of pve2 (one at a time,
    // as Proxmox does); only the next worker, a minute tick later, may run 100-0 again.
    const worker = iterationFrom(runs, runs.find((r) => r.start <= full!.start && iterationFrom(runs, r).includes(full!))!);
    const after = worker.slice(worker.indexOf(full!) + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.jobId !== "100-0")).toBe(true);
    expect(next!.start).toBe(nextTick(worker.at(-1)!.end));
  });
});
