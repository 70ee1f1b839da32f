import { describe, expect, it } from "vitest";

import type { Simulator } from "./simulator";
import { api, frozenSimulator, jobStatus, T0 } from "./test-support";

// Replays of pve-ha-manager's own regression tests (src/test/test-*/cmdlist and log.expect). Their
// harness (src/PVE/HA/Sim/TestHardware.pm) runs 20 s rounds in which each powered node's CRM and
// then its LRM take one second, in node order; `haRound: 20` gives the simulator the same rounds,
// so the times below are log.expect's, counted from BASE: an hour after the simulator's start, when
// every guest has its replica (the harness's guests need no disks). The harness applies a command
// just before the round at that second; the simulator kills the node half a second earlier.

type Entry = Record<string, unknown> & { id: string };

async function ha(sim: Simulator, node = "pve2"): Promise<Entry[]> {
  return (await api(sim, "GET", "/cluster/ha/status/current", {}, undefined, node)).data as Entry[];
}
async function entry(sim: Simulator, id: string, node = "pve2"): Promise<Entry | undefined> {
  return (await ha(sim, node)).find((e) => e.id === id);
}
async function nodeHastate(sim: Simulator, node: string, via = "pve2"): Promise<unknown> {
  const rows = (await api(sim, "GET", "/cluster/resources", { type: "node" }, undefined, via)).data as Entry[];
  return rows.find((r) => r.node === node)?.hastate;
}
const BASE = T0 + 3600;
/** Moves the clock to BASE + `t` seconds. */
function at(sim: Simulator, t: number): void {
  sim.advance(BASE + t - sim.now());
}
/** A cluster in HA rounds of 20 s, at BASE. */
function harness(): Simulator {
  const sim = frozenSimulator({ haRound: 20 });
  at(sim, 0);
  return sim;
}
const CRM_STATES = ["stopped", "request_stop", "request_start", "request_start_balance", "started", "fence", "recovery", "migrate", "relocate", "freeze", "error"];

describe("HA timeline as in Proxmox's regression tests", () => {
  it("test-basic1: the node of an HA guest dies while the master survives", async () => {
    const sim = harness();
    // test-basic1 has vm:103 on node3; here vm:109 on pve3, pve1 is master.
    expect((await api(sim, "POST", "/cluster/ha/resources", { sid: "vm:109" })).status).toBe(200);
    at(sim, 119.5);
    sim.setNodeOnline("pve3", false);
    // log.expect 120: "node 'node3': state changed from 'online' => 'unknown'"
    at(sim, 120);
    expect(await nodeHastate(sim, "pve3")).toBe("unknown");
    expect(await entry(sim, "service:vm:109")).toMatchObject({ crm_state: "started", node: "pve3" });
    // The LRM status of pve3 (last written at 105) reads dead only 30 s later (API2/HA/Status.pm).
    at(sim, 135);
    expect((await entry(sim, "lrm:pve3"))?.status).toMatch(/^pve3 \(active, watchdog active, /);
    at(sim, 136);
    expect((await entry(sim, "lrm:pve3"))?.status).toMatch(/^pve3 \(old timestamp - dead\?, watchdog standby, /);
    // 160: "service 'vm:103': state changed from 'started' to 'fence'", node 'fence' (last online at 100 + 60 s)
    at(sim, 159);
    expect(await entry(sim, "service:vm:109")).toMatchObject({ crm_state: "started" });
    at(sim, 160);
    expect(await entry(sim, "service:vm:109")).toMatchObject({ crm_state: "fence", state: "fence", node: "pve3" });
    expect(await nodeHastate(sim, "pve3")).toBe("fence");
    // 240: the master gets pve3's agent lock (renewed last at 105, lives 120 s): recovery to node2.
    at(sim, 239);
    expect(sim.model.guest(109)!.node).toBe("pve3");
    at(sim, 240);
    expect(sim.model.guest(109)!.node).toBe("pve2");
    expect(await entry(sim, "service:vm:109")).toMatchObject({ crm_state: "started", state: "starting", node: "pve2", status: "vm:109 (pve2, starting)" });
    expect(await nodeHastate(sim, "pve3")).toBe("unknown");
    // 243: "node2/lrm: starting service vm:103": the LRM's start is the only task of the recovery.
    at(sim, 260);
    const tasks = sim.model.allTasks().filter((t) => t.id === "109" && t.starttime >= BASE + 100);
    expect(tasks.map((t) => [t.node, t.type, t.starttime - BASE, t.user])).toEqual([["pve2", "qmstart", 243, "root@pam"]]);
    expect(await entry(sim, "service:vm:109")).toMatchObject({ crm_state: "started", state: "started" });
    expect(sim.model.guest(109)!.status).toBe("running");
    expect((await entry(sim, "master"))?.node).toBe("pve1");
  });

  it("test-basic5: the master's node dies; a new master only after the manager lock expired, and it stays master", async () => {
    const sim = harness();
    // test-basic5's rules_config prefers node1 for vm:101; pve2 gets the second place so the
    // recovery lands on pve2 as in log.expect despite the demo's uneven load.
    await api(sim, "DELETE", "/cluster/ha/rules/db-on-replicas");
    expect((await api(sim, "POST", "/cluster/ha/rules", { rule: "vm100-should-be-on-pve1", type: "node-affinity", resources: "vm:100", nodes: "pve1:2,pve2:1" })).status).toBe(200);
    at(sim, 119.5);
    sim.setNodeOnline("pve1", false);
    // 120-221: nobody is master; the old master's status goes stale, the dead node still reads online.
    at(sim, 150);
    expect((await entry(sim, "master"))?.status).toMatch(/^pve1 \(old timestamp - dead\?, /);
    expect(await entry(sim, "fencing")).toMatchObject({ "armed-state": "standby" });
    expect(await nodeHastate(sim, "pve1")).toBe("online");
    // 220: node2 may not take the lock yet (renewed at 100, 120 s not yet passed); 222: node3 becomes master.
    at(sim, 221);
    expect((await entry(sim, "master"))?.node).toBe("pve1");
    at(sim, 222);
    expect(await entry(sim, "master")).toMatchObject({ node: "pve3", timestamp: BASE + 222 });
    expect((await entry(sim, "master"))?.status).toMatch(/^pve3 \(active, /);
    expect(await nodeHastate(sim, "pve1")).toBe("unknown");
    // 282 (60 s after the new master first saw node1 offline): fence and recovery in one round.
    at(sim, 281);
    expect(await entry(sim, "service:vm:100")).toMatchObject({ crm_state: "started", node: "pve1" });
    at(sim, 282);
    expect(await entry(sim, "service:vm:100")).toMatchObject({ crm_state: "started", node: "pve2", state: "starting" });
    expect(sim.model.guest(100)!.node).toBe("pve2");
    // 301: "node2/lrm: starting service vm:101".
    at(sim, 320);
    expect(sim.model.allTasks().filter((t) => t.id === "100" && t.starttime >= BASE + 100).map((t) => [t.node, t.type, t.starttime - BASE, t.exitstatus])).toEqual([["pve2", "qmstart", 301, "OK"]]);
    expect(sim.model.guest(100)!.status).toBe("running");
    // 500: node1 powers on and is a slave; 504: node3 (still master) sees it online and fails back.
    at(sim, 499.5);
    sim.setNodeOnline("pve1", true);
    at(sim, 503);
    expect(await nodeHastate(sim, "pve1")).toBe("unknown");
    at(sim, 504);
    expect(await nodeHastate(sim, "pve1")).toBe("online");
    expect(await entry(sim, "service:vm:100")).toMatchObject({ crm_state: "migrate", node: "pve2" });
    expect(sim.core.ha.crm.get("pve1")).toBe("slave");
    // 523: "node2/lrm: service vm:101 - start migrate to node 'node1'" (an online migration).
    at(sim, 900);
    const migrate = sim.model.allTasks().find((t) => t.type === "qmigrate" && t.id === "100");
    expect(migrate && [migrate.node, migrate.starttime - BASE, migrate.exitstatus]).toEqual(["pve2", 523, "OK"]);
    expect(sim.model.guest(100)).toMatchObject({ node: "pve1", status: "running" });
    expect(await entry(sim, "service:vm:100")).toMatchObject({ crm_state: "started", node: "pve1", state: "started" });
    expect((await entry(sim, "master"))?.node).toBe("pve3");
  });

  it("test-service-stopped2: a stopped service of a dead node is recovered and stays stopped", async () => {
    const sim = harness();
    expect((await api(sim, "POST", "/cluster/ha/resources", { sid: "vm:109", state: "stopped" })).status).toBe(200);
    at(sim, 100);
    expect(sim.model.guest(109)!.status).toBe("stopped"); // the LRM shut it down (request_stop)
    expect(await entry(sim, "service:vm:109")).toMatchObject({ crm_state: "stopped", request_state: "stopped" });
    at(sim, 219.5);
    sim.setNodeOnline("pve3", false);
    // 260: stopped -> fence; 340: fence -> recovery -> request_stop on the new node; 360: stopped.
    at(sim, 259);
    expect((await entry(sim, "service:vm:109"))?.crm_state).toBe("stopped");
    at(sim, 260);
    expect((await entry(sim, "service:vm:109"))?.crm_state).toBe("fence");
    at(sim, 340);
    expect(await entry(sim, "service:vm:109")).toMatchObject({ crm_state: "request_stop", node: "pve2" });
    at(sim, 360);
    expect(await entry(sim, "service:vm:109")).toMatchObject({ crm_state: "stopped", state: "stopped", node: "pve2" });
    expect(sim.model.guest(109)).toMatchObject({ node: "pve2", status: "stopped" });
    expect(sim.model.allTasks().filter((t) => t.id === "109" && t.starttime > BASE + 200)).toEqual([]);
    // Its job turned around on pve2 (the config was moved there).
    expect(await jobStatus(sim, "pve2", "109-0")).toMatchObject({ source: "pve2", target: "pve3" });
  });

  it("uses only Proxmox's CRM states while the default 10 s rounds recover a guest of the master's node", async () => {
    const sim = frozenSimulator();
    sim.advance(3600);
    const failedAt = sim.now();
    sim.setNodeOnline("pve1", false);
    const seen = new Set<string>();
    let startedOnPve2: number | undefined;
    for (let t = 0; t < 300; t += 1) {
      sim.advance(1);
      const svc = await entry(sim, "service:vm:100");
      seen.add(String(svc?.crm_state));
      if (startedOnPve2 === undefined && sim.model.guest(100)!.node === "pve2" && sim.model.guest(100)!.status === "running") startedOnPve2 = sim.now() - failedAt;
    }
    expect([...seen].every((s) => CRM_STATES.includes(s))).toBe(true);
    // Lock expiry (120 s after the last renewal) + fence delay (60 s) + the LRM's next round.
    expect(startedOnPve2).toBeGreaterThan(180);
    expect(startedOnPve2).toBeLessThan(205);
    expect(sim.model.allTasks().filter((t) => t.id === "100" && t.starttime > failedAt).map((t) => t.type)).toEqual(["qmstart"]);
  });
});

describe("HA relocate and migrate", () => {
  it("relocates: stop on the source, offline migration, start on the target, no task of its own", async () => {
    const sim = frozenSimulator();
    sim.advance(3600);
    const before = sim.now();
    const res = await api(sim, "POST", "/cluster/ha/resources/vm:100/relocate", { node: "pve2" });
    expect(res.data).toEqual({ sid: "vm:100", "requested-node": "pve2" });
    sim.advance(10);
    expect((await entry(sim, "service:vm:100"))?.crm_state).toBe("relocate");
    sim.advance(600);
    const tasks = sim.model.allTasks().filter((t) => t.id === "100" && t.starttime >= before).sort((a, b) => a.starttime - b.starttime);
    expect(tasks.map((t) => [t.node, t.type, t.user, t.exitstatus])).toEqual([
      ["pve1", "qmshutdown", "root@pam", "OK"], ["pve1", "qmigrate", "root@pam", "OK"], ["pve2", "qmstart", "root@pam", "OK"],
    ]);
    expect(tasks[1]!.log.some((l) => l.msg.includes("starting VM"))).toBe(false); // offline: no remote VM start
    expect(sim.model.guest(100)).toMatchObject({ node: "pve2", status: "running" });
    expect(await entry(sim, "service:vm:100")).toMatchObject({ crm_state: "started", node: "pve2", state: "started" });
    expect((await api(sim, "GET", "/cluster/replication/100-0")).data).toMatchObject({ source: "pve2", target: "pve1" });
  });

  it("migrates an HA container by relocating it (vzshutdown, vzmigrate, vzstart)", async () => {
    const sim = frozenSimulator();
    await api(sim, "POST", "/cluster/ha/resources", { sid: "ct:102" });
    await api(sim, "POST", "/cluster/ha/rules", { rule: "proxy", type: "node-affinity", resources: "ct:102", nodes: "pve1,pve3" });
    sim.advance(1800);
    const before = sim.now();
    const upid = (await api(sim, "POST", "/nodes/pve1/lxc/102/migrate", { target: "pve3", restart: 1 })).data as string;
    expect(upid).toContain(":hamigrate:102:");
    sim.advance(600);
    const types = sim.model.allTasks().filter((t) => t.id === "102" && t.starttime >= before).sort((a, b) => a.starttime - b.starttime).map((t) => `${t.node}:${t.type}`);
    expect(types).toEqual(["pve1:hamigrate", "pve1:vzshutdown", "pve1:vzmigrate", "pve3:vzstart"]);
    expect(sim.model.guest(102)).toMatchObject({ node: "pve3", status: "running" });
  });

  it("answers the HA calls the failover wizard reads, per Proxmox's wire format", async () => {
    const sim = frozenSimulator();
    sim.advance(60);
    expect((await api(sim, "GET", "/cluster/ha/resources/100")).data).toMatchObject({ sid: "vm:100", type: "vm", state: "started", failback: 1 });
    expect((await api(sim, "PUT", "/cluster/ha/resources/vm:100", { failback: 0 })).status).toBe(200);
    expect((await api(sim, "GET", "/cluster/ha/resources")).data).toMatchObject([{ sid: "vm:100", failback: 0 }]);
    expect(await entry(sim, "service:vm:100", "pve1")).toMatchObject({ failback: 0, request_state: "started", crm_state: "started", state: "started" });
    expect((await api(sim, "GET", "/cluster/ha/rules")).data).toMatchObject([{ rule: "db-on-replicas", type: "node-affinity", resources: "vm:100", nodes: "pve1,pve2", strict: 1, order: 1 }]);
    expect((await api(sim, "GET", "/cluster/ha/rules/db-on-replicas")).data).toMatchObject({ rule: "db-on-replicas", nodes: "pve1,pve2" });
    expect((await api(sim, "GET", "/cluster/ha/rules/nope")).statusText).toBe("no such ha rule 'nope'");
    expect((await api(sim, "GET", "/cluster/ha/groups")).statusText).toBe("cannot index groups: ha groups have been migrated to rules");
    const ms = (await api(sim, "GET", "/cluster/ha/status/manager_status")).data as { manager_status: { master_node: string; service_status: Record<string, { state: string; node: string }> } };
    expect(ms.manager_status.master_node).toBe("pve1");
    expect(ms.manager_status.service_status["vm:100"]).toMatchObject({ state: "started", node: "pve1" });
    const kinds = (await ha(sim, "pve1")).map((e) => e.id);
    expect(kinds).toEqual(["quorum", "master", "fencing", "lrm:pve1", "lrm:pve2", "lrm:pve3", "service:vm:100"]);
    expect((await entry(sim, "lrm:pve2", "pve1"))?.status).toMatch(/^pve2 \(idle, watchdog standby, /);
  });
});
