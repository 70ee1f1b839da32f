import { describe, expect, it } from "vitest";

import type { ScenarioScript } from "./script";
import type { Simulator } from "./simulator";
import { api, frozenSimulator, jobStatus } from "./test-support";

const INCIDENT: ScenarioScript = {
  name: "pve1 dies during the afternoon, comes back an hour later",
  events: [
    { at: 300, action: "fault", fault: { kind: "error", status: 503, node: "pve2", path: "/cluster/resources", count: 3 } },
    { at: 900, action: "link-cut", a: "pve2", b: "pve3" },
    { at: 3600, action: "node-down", node: "pve1" },
    { at: 4000, action: "migrate", vmid: 107, target: "pve1" },
    { at: 5400, action: "link-restore", a: "pve2", b: "pve3" },
    { at: 7200, action: "node-up", node: "pve1" },
    { at: 7800, action: "shutdown", vmid: 109 },
  ],
};

/** Everything the cluster did, as comparable data. */
function history(sim: Simulator) {
  return {
    runs: sim.model.performedRuns,
    tasks: sim.model.allTasks().map((t) => [t.upid, t.endtime, t.exitstatus, t.log.length]),
    jobs: sim.model.listJobs().map((j) => [j.id, j.source, j.target]),
    guests: [...sim.model.guests.values()].map((g) => [g.vmid, g.node, g.status]),
  };
}

describe("scripted scenarios", () => {
  it("replays an incident: HA recovery, reversed job, faults, link cut, return of the node", async () => {
    const sim = frozenSimulator({ script: INCIDENT });
    sim.advance(301);
    expect((await api(sim, "GET", "/cluster/resources", {}, undefined, "pve2")).status).toBe(503);
    sim.advance(3600 + 200 - 301);
    expect(sim.model.node("pve1")!.online).toBe(false);
    expect(sim.model.guest(100)!.node).toBe("pve2");
    expect((await api(sim, "GET", "/cluster/replication/100-0", {}, undefined, "pve2")).data).toMatchObject({ source: "pve2", target: "pve1" });
    sim.advance(7200 + 3600 - sim.now() + 1_700_000_000);
    // 107 could not migrate to a dead node: the task failed, the guest stayed.
    expect(sim.model.guest(107)!.node).toBe("pve2");
    expect(sim.model.allTasks().find((t) => t.type === "qmigrate" && t.id === "107")?.exitstatus).toBe("migration aborted");
    expect(sim.model.node("pve1")!.online).toBe(true);
    expect((await jobStatus(sim, "pve2", "100-0"))?.fail_count).toBe(0);
    expect(sim.model.guest(109)!.status).toBe("stopped");
    expect(sim.model.performedRuns.some((r) => r.jobId === "100-0" && r.node === "pve2" && (r.discarded ?? 0) > 0)).toBe(true);
  });

  it("is deterministic: the same script and seed give the same history, in one jump or many steps", () => {
    const a = frozenSimulator({ script: INCIDENT, seed: 7 });
    a.advance(6 * 3600);
    const b = frozenSimulator({ script: INCIDENT, seed: 7 });
    for (let i = 0; i < 6 * 60; i++) b.advance(60);
    expect(history(b)).toEqual(history(a));
    const c = frozenSimulator({ script: INCIDENT, seed: 8 });
    c.advance(6 * 3600);
    expect(history(c)).not.toEqual(history(a));
  });

  it("validates scripts and loads them through the control API", async () => {
    expect(() => frozenSimulator({ script: { events: [{ at: 10, action: "node-down" }] } })).toThrow(/invalid scenario script: events\.0\.node/);
    expect(() => frozenSimulator({ script: { events: [{ at: 10, action: "node-down", node: "pve9" }] } })).toThrow(/no such node 'pve9'/);
    const sim = frozenSimulator();
    const res = await sim.handle("pve1", {
      method: "POST",
      url: "/control/script",
      headers: { authorization: `Bearer ${sim.controlToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "cut", events: [{ at: 60, action: "node-down", node: "pve3" }] }),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).data).toMatchObject({ name: "cut", events: 1 });
    const pending = JSON.parse((await sim.handle("pve1", { method: "GET", url: "/control/events", headers: { authorization: `Bearer ${sim.controlToken}` } })).body).data;
    expect(pending).toContainEqual({ at: 1_700_000_060, label: "script node-down" });
    sim.advance(61);
    expect(sim.model.node("pve3")!.online).toBe(false);
    const bad = await sim.handle("pve1", {
      method: "POST",
      url: "/control/script",
      headers: { authorization: `Bearer ${sim.controlToken}`, "content-type": "application/json" },
      body: JSON.stringify({ events: [{ at: -1, action: "quorum", quorate: false }] }),
    });
    expect(bad.status).toBe(400);
  });
});

describe("bundled scripts", () => {
  it("scripts/node-failure.json is valid and replays", async () => {
    const { readFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const script = JSON.parse(await readFile(join(__dirname, "scripts", "node-failure.json"), "utf8")) as unknown;
    const sim = frozenSimulator({ script });
    sim.advance(5 * 3600);
    expect(sim.model.guest(100)!.node).toBe("pve2");
    expect(sim.model.node("pve1")!.online).toBe(true);
    expect(sim.model.listJobs().find((j) => j.id === "100-0")).toMatchObject({ source: "pve2", target: "pve1" });
  });
});
