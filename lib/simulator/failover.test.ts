import { describe, expect, it } from "vitest";

import { api, frozenSimulator, jobStatus } from "./test-support";
import type { Simulator } from "./simulator";

async function control(sim: Simulator, method: string, path: string, body?: unknown, node = "pve2") {
  const res = await sim.handle(node, {
    method,
    url: `/control${path}`,
    headers: { authorization: `Bearer ${sim.controlToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: JSON.parse(res.body) as { data: unknown; error?: string } };
}

type Entry = Record<string, unknown> & { id: string };

async function haService(sim: Simulator, sid: string, node = "pve2"): Promise<Entry | undefined> {
  return ((await api(sim, "GET", "/cluster/ha/status/current", {}, undefined, node)).data as Entry[]).find((e) => e.id === `service:${sid}`);
}

async function resource(sim: Simulator, id: string, node = "pve2"): Promise<Entry | undefined> {
  return ((await api(sim, "GET", "/cluster/resources", {}, undefined, node)).data as Entry[]).find((e) => e.id === id);
}

/** Kills a node at a whole second and returns that time. */
async function killNode(sim: Simulator, node: string): Promise<number> {
  const res = await control(sim, "PUT", `/nodes/${node}`, { online: 0 });
  expect(res.status).toBe(200);
  return sim.now();
}

describe("a node dies and HA recovers its guest", () => {
  it("recovers vm:100 from its dead master node with Proxmox's delays, reverses its job, and shows it all through the API", async () => {
    const sim = frozenSimulator();
    sim.advance(3600);
    const synced = (await jobStatus(sim, "pve1", "100-0"))!;
    expect(synced.last_sync).toBeGreaterThan(0);

    const failedAt = await killNode(sim, "pve1");
    // At once: offline in /cluster/status and /nodes, still quorate. pve1 was the HA master, so
    // nobody updates the HA state yet: the node still reads `online` there (test-basic5).
    const status = (await api(sim, "GET", "/cluster/status", {}, undefined, "pve2")).data as Entry[];
    expect(status[0]).toMatchObject({ quorate: 1 });
    expect(status.find((e) => e.id === "node/pve1")).toMatchObject({ online: 0 });
    expect(await resource(sim, "node/pve1")).toMatchObject({ status: "offline", hastate: "online" });
    expect(await resource(sim, "qemu/100")).toMatchObject({ status: "running", hastate: "started", node: "pve1" });
    // Proxied calls to the dead node fail like pveproxy's.
    const proxied = await api(sim, "GET", "/nodes/pve1/replication", {}, undefined, "pve2");
    expect(proxied.status).toBe(595);
    expect(proxied.statusText).toBe("Errors during connection establishment, proxy handshake: No route to host");

    // The manager lock (renewed at the failure) lives 120 s; pve2's CRM comes 0 s too early in the
    // round at +120, pve3's takes the lock 2 s later (as node3 does in test-basic5).
    sim.advance(119);
    expect(await resource(sim, "node/pve1")).toMatchObject({ hastate: "online" });
    sim.advance(3);
    const entries = (await api(sim, "GET", "/cluster/ha/status/current", {}, undefined, "pve2")).data as Entry[];
    expect(entries.find((e) => e.id === "master")).toMatchObject({ node: "pve3" });
    expect(await resource(sim, "node/pve1")).toMatchObject({ hastate: "unknown" });

    // 60 s after the new master first saw pve1 offline: fenced and recovered in one round.
    sim.advance(failedAt + 122 + 59 - sim.now());
    expect(sim.model.guest(100)!.node).toBe("pve1");
    sim.advance(2);
    expect(sim.model.guest(100)!.node).toBe("pve2");
    sim.advance(20);
    expect(await haService(sim, "vm:100")).toMatchObject({ crm_state: "started", state: "started", node: "pve2", status: "vm:100 (pve2, started)" });
    expect(await resource(sim, "qemu/100")).toMatchObject({ status: "running", node: "pve2", hastate: "started" });
    const tasks = (await api(sim, "GET", "/nodes/pve2/tasks", { vmid: 100 }, undefined, "pve2")).data as Entry[];
    expect(tasks.map((t) => t.type)).toEqual(["qmstart"]);

    // The stolen guest's job now runs pve2 → pve1 and is parked while pve1 is down.
    const job = (await jobStatus(sim, "pve2", "100-0"))!;
    expect(job).toMatchObject({ source: "pve2", target: "pve1" });
    sim.advance(120);
    expect(await jobStatus(sim, "pve2", "100-0")).toMatchObject({ fail_count: 1, next_sync: 0 });

    // Guests of pve1 that HA did not recover keep their last status for 5 minutes, then `unknown`.
    sim.advance(60);
    expect((await resource(sim, "qemu/101"))?.status).toBe("unknown");
  });

  it("brings the node back: its recovered guest is no longer its own, and the resync discards its divergent writes", async () => {
    const sim = frozenSimulator();
    sim.advance(3600);
    await killNode(sim, "pve1");
    sim.advance(600);
    expect(sim.model.guest(100)!.node).toBe("pve2");
    const stale = sim.model.volume("pve1", "local-zfs:vm-100-disk-1")!;
    expect(stale.divergent?.bytes).toBeGreaterThan(0);

    const runs = sim.model.performedRuns.length;
    await control(sim, "PUT", "/nodes/pve1", { online: 1 });
    expect(((await api(sim, "GET", "/nodes/pve1/qemu", {}, undefined, "pve1")).data as Entry[]).map((g) => g.vmid)).not.toContain(100);
    sim.advance(120);
    // Its own onboot guests came back with the node.
    expect(sim.model.guest(101)).toMatchObject({ node: "pve1", status: "running" });
    sim.advance(1800);
    const resync = sim.model.performedRuns.slice(runs).find((r) => r.jobId === "100-0" && r.outcome === "ok");
    expect(resync).toMatchObject({ node: "pve2", kind: "incremental" });
    expect(resync?.discarded).toBeGreaterThan(0);
    expect(sim.model.volume("pve1", "local-zfs:vm-100-disk-1")!.divergent).toBeUndefined();
    const volumes = (await control(sim, "GET", "/volumes/pve1")).body.data as { volid: string; divergent?: unknown }[];
    expect(volumes.find((v) => v.volid === "local-zfs:vm-100-disk-1")?.divergent).toBeUndefined();
  });

  it("fails with Proxmox's 'No common base' error when the snapshots are gone", async () => {
    const sim = frozenSimulator();
    sim.advance(3600);
    await killNode(sim, "pve1");
    sim.advance(600);
    for (const v of sim.model.volumesOn("pve1")) if (v.vmid === 100) v.snapshots.clear();
    await control(sim, "PUT", "/nodes/pve1", { online: 1 });
    sim.advance(1800);
    const job = (await jobStatus(sim, "pve2", "100-0"))!;
    expect(job.error).toBe(
      "No common base snapshot on volume(s) local-zfs:vm-100-disk-0,local-zfs:vm-100-disk-1\nPlease remove the problematic volume(s) from the replication target or delete and re-create the whole job 100-0",
    );
  });

  it("without HA, a dead node's guests stay its own and their jobs stay as they are", async () => {
    const sim = frozenSimulator();
    sim.advance(600);
    await killNode(sim, "pve3");
    sim.advance(600);
    expect(sim.model.guest(108)!.node).toBe("pve3");
    expect((await api(sim, "GET", "/cluster/replication/108-0")).data).toMatchObject({ target: "pve1" });
    expect(await resource(sim, "lxc/108")).toMatchObject({ status: "unknown", node: "pve3" });
  });
});

describe("quorum, links and storage", () => {
  it("loses quorum: writes are refused, the node with an active LRM self-fences after 60 s and reboots", async () => {
    const sim = frozenSimulator();
    sim.advance(60);
    expect((await control(sim, "PUT", "/quorum", { quorate: 0 })).status).toBe(200);
    const write = await api(sim, "PUT", "/cluster/replication/101-0", { rate: 5 });
    expect(write.statusText).toBe("cfs-lock 'file-replication_cfg' error: no quorum!");
    const quorum = ((await api(sim, "GET", "/cluster/ha/status/current")).data as Entry[])[0];
    expect(quorum).toMatchObject({ type: "quorum", quorate: 0, status: "No quorum on node 'pve1'!" });
    sim.advance(59);
    expect(sim.model.node("pve1")!.online).toBe(true);
    sim.advance(2);
    expect(sim.model.node("pve1")!.online).toBe(false);
    expect(sim.model.node("pve2")!.online).toBe(true); // no active LRM there
    sim.advance(100);
    expect(sim.model.node("pve1")!.online).toBe(true);
    expect(sim.model.guest(100)!.status).toBe("stopped"); // the LRM waits for quorum
    await control(sim, "PUT", "/quorum", { quorate: "auto" }, "pve1");
    sim.advance(30);
    expect(sim.model.guest(100)!.status).toBe("running");
  });

  it("cuts a link: replication between the two nodes fails with a network error while both stay up", async () => {
    const sim = frozenSimulator();
    await control(sim, "PUT", "/links/pve3/pve1", { cut: 1 });
    sim.advance(900);
    const job = (await jobStatus(sim, "pve3", "108-0"))!;
    expect(job.fail_count).toBeGreaterThan(0);
    expect(job.error).toMatch(/^command '\/usr\/bin\/ssh .* root@10\.10\.10\.11 -- pvesr prepare-local-job 108-0 .*' failed: exit code 255$/);
    const log = (await api(sim, "GET", "/nodes/pve3/replication/108-0/log", { limit: 0 }, undefined, "pve3")).data as { t: string }[];
    expect(log.some((l) => l.t.endsWith("ssh: connect to host 10.10.10.11 port 22: Connection timed out"))).toBe(true);
    expect(sim.model.node("pve1")!.online && sim.model.node("pve3")!.online).toBe(true);
    // Other links still work.
    expect((await jobStatus(sim, "pve3", "108-1"))?.error).toBeUndefined();
    await control(sim, "PUT", "/links/pve1/pve3", { cut: 0 });
    sim.advance(3600);
    expect((await jobStatus(sim, "pve3", "108-0"))?.fail_count).toBe(0);
  });

  it("fills a storage: replication to it fails with zfs's out of space error", async () => {
    const sim = frozenSimulator();
    await control(sim, "PUT", "/storage/pve1/local-zfs", { fill: 1 });
    sim.advance(900);
    const log = (await api(sim, "GET", "/nodes/pve3/replication/108-0/log", { limit: 0 }, undefined, "pve3")).data as { t: string }[];
    expect(log.some((l) => l.t.endsWith("cannot receive new filesystem stream: out of space"))).toBe(true);
  });
});

describe("HA rules and HA migration", () => {
  it("recovers to the node its node-affinity rule prefers, and the others by fewest services", async () => {
    const sim = frozenSimulator();
    sim.model.haResources.set("ct:102", { sid: "ct:102", type: "ct", state: "started" });
    const rule = await api(sim, "POST", "/cluster/ha/rules", { rule: "proxy-on-pve3", type: "node-affinity", resources: "ct:102", nodes: "pve3:2,pve2:1" });
    expect(rule.status).toBe(200);
    expect((await api(sim, "GET", "/cluster/ha/rules", { resource: "ct:102" })).data).toMatchObject([
      { rule: "proxy-on-pve3", type: "node-affinity", resources: "ct:102", nodes: "pve3:2,pve2:1", order: 2 },
    ]);
    sim.advance(3600);
    await killNode(sim, "pve1");
    sim.advance(300);
    expect(sim.model.guest(102)).toMatchObject({ node: "pve3", status: "running" });
    expect(sim.model.guest(100)).toMatchObject({ node: "pve2", status: "running" });
    expect((await api(sim, "GET", "/cluster/replication/102-0", {}, undefined, "pve3")).data).toMatchObject({ source: "pve3", target: "pve1" });
  });

  it("a guest recovered to a node without its disks fails to start and the service goes to error", async () => {
    const sim = frozenSimulator();
    sim.model.haResources.set("vm:103", { sid: "vm:103", type: "vm", state: "started" });
    await api(sim, "POST", "/cluster/ha/rules", { rule: "mail", type: "node-affinity", resources: "vm:103", nodes: "pve3" });
    sim.advance(60);
    await killNode(sim, "pve1");
    sim.advance(300);
    expect(sim.model.guest(103)!.node).toBe("pve3");
    expect(await haService(sim, "vm:103")).toMatchObject({ state: "error" });
    const task = sim.model.tasksOn("pve3").find((t) => t.type === "qmstart" && t.id === "103");
    expect(task?.exitstatus).toBe("zfs error: cannot open 'rpool/data/vm-103-disk-0': dataset does not exist");
  });

  it("turns a migration of an HA-managed VM into hamigrate; the LRM migrates it online and the job switches", async () => {
    const sim = frozenSimulator();
    sim.advance(3600);
    const res = await api(sim, "POST", "/nodes/pve1/qemu/100/migrate", { target: "pve2", online: 1 });
    expect(res.data).toContain(":hamigrate:100:");
    sim.advance(1);
    const log = (await api(sim, "GET", `/nodes/pve1/tasks/${encodeURIComponent(res.data as string)}/log`)).data as { t: string }[];
    expect(log.map((l) => l.t)).toEqual(["Requesting HA migration for VM 100 to node pve2", "TASK OK"]);
    sim.advance(15);
    expect(await haService(sim, "vm:100", "pve1")).toMatchObject({ state: "migrate" });
    sim.advance(600);
    expect(await haService(sim, "vm:100", "pve1")).toMatchObject({ state: "started", node: "pve2" });
    const qmigrate = sim.model.tasksOn("pve1").find((t) => t.type === "qmigrate" && t.id === "100");
    expect(qmigrate).toMatchObject({ user: "root@pam", exitstatus: "OK" });
    expect((await api(sim, "GET", "/cluster/replication/100-0")).data).toMatchObject({ source: "pve2", target: "pve1" });
    const moved = await api(sim, "POST", "/cluster/ha/resources/vm:100/migrate", { node: "pve1" });
    expect(moved.data).toEqual({ sid: "vm:100", "requested-node": "pve1" });
  });
});

describe("HA resources through the API, and tasks of a dead node", () => {
  it("adds and removes HA resources with Proxmox's texts; the CRM starts a new started resource", async () => {
    const sim = frozenSimulator();
    await api(sim, "POST", "/nodes/pve1/qemu/103/status/stop");
    sim.advance(5);
    expect((await api(sim, "POST", "/cluster/ha/resources", { sid: "103" })).status).toBe(200);
    expect((await api(sim, "POST", "/cluster/ha/resources", { sid: "vm:103" })).statusText).toBe("resource ID 'vm:103' already defined");
    expect((await api(sim, "POST", "/cluster/ha/resources", { sid: "ct:103" })).statusText).toBe("CT 103 does not exist");
    sim.advance(20);
    expect(sim.model.guest(103)!.status).toBe("running");
    expect(await haService(sim, "vm:103", "pve1")).toMatchObject({ state: "started", node: "pve1" });
    expect((await api(sim, "DELETE", "/cluster/ha/resources/vm:103")).status).toBe(200);
    expect((await api(sim, "DELETE", "/cluster/ha/resources/vm:103")).statusText).toBe("cannot delete service 'vm:103', not HA managed!");
    expect((await api(sim, "POST", "/cluster/ha/resources/vm:103/migrate", { node: "pve2" })).statusText).toBe("resource 'vm:103' is not HA managed");
  });

  it("a task that was running when its node died ends as `unexpected status`", async () => {
    const sim = frozenSimulator();
    await api(sim, "POST", "/nodes/pve3/qemu/109/status/shutdown", {}, undefined, "pve3");
    sim.advance(1);
    sim.setNodeOnline("pve3", false);
    sim.advance(30);
    const task = sim.model.tasksOn("pve3").find((t) => t.type === "qmshutdown")!;
    expect(task.exitstatus).toBe("unexpected status");
    expect(task.log.some((l) => l.msg.startsWith("TASK "))).toBe(false);
    const listed = ((await api(sim, "GET", "/cluster/tasks")).data as Entry[]).find((t) => t.upid === task.upid);
    expect(listed).toMatchObject({ status: "unexpected status" });
  });
});
