import { describe, expect, it } from "vitest";

import { api, frozenSimulator, jobStatus } from "./test-support";
import type { Simulator } from "./simulator";

type TaskRow = { upid: string; type: string; id: string; status: string; user: string };

async function taskLog(sim: Simulator, upid: string): Promise<string[]> {
  const node = upid.split(":")[1] as string;
  const res = await api(sim, "GET", `/nodes/${node}/tasks/${encodeURIComponent(upid)}/log`, { limit: 0 }, undefined, node);
  return (res.data as { t: string }[]).map((l) => l.t);
}

async function taskStatus(sim: Simulator, upid: string): Promise<Record<string, unknown>> {
  const node = upid.split(":")[1] as string;
  return (await api(sim, "GET", `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`, {}, undefined, node)).data as Record<string, unknown>;
}

/** Advances in small steps until the task has stopped. */
async function waitTask(sim: Simulator, upid: string, step = 1, max = 7200): Promise<Record<string, unknown>> {
  for (let t = 0; t < max; t += step) {
    const status = await taskStatus(sim, upid);
    if (status.status === "stopped") return status;
    sim.advance(step);
  }
  throw new Error("task did not end");
}

describe("guest power actions", () => {
  it("stops and starts a VM as qmshutdown/qmstart tasks listed on the node and the cluster", async () => {
    const sim = frozenSimulator();
    const shutdown = await api(sim, "POST", "/nodes/pve1/qemu/101/status/shutdown");
    expect(shutdown.status).toBe(200);
    const upid = shutdown.data as string;
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmshutdown:101:root@pam!standby:$/);
    const active = (await api(sim, "GET", "/nodes/pve1/tasks", { source: "active" })).data as TaskRow[];
    expect(active.map((t) => t.upid)).toContain(upid);
    expect(await waitTask(sim, upid)).toMatchObject({ exitstatus: "OK" });
    expect((await taskLog(sim, upid)).at(-1)).toBe("TASK OK");
    expect(((await api(sim, "GET", "/nodes/pve1/qemu/101/status/current")).data as { status: string }).status).toBe("stopped");

    const start = (await api(sim, "POST", "/nodes/pve1/qemu/101/status/start")).data as string;
    await waitTask(sim, start);
    expect(((await api(sim, "GET", "/nodes/pve1/qemu/101/status/current")).data as { status: string }).status).toBe("running");
    const cluster = (await api(sim, "GET", "/cluster/tasks")).data as TaskRow[];
    expect(cluster.slice(0, 2).map((t) => t.type)).toEqual(["qmstart", "qmshutdown"]);
  });

  it("answers with Proxmox's errors: already running, not running, locked, config on another node, no quorum", async () => {
    const sim = frozenSimulator();
    const again = (await api(sim, "POST", "/nodes/pve1/qemu/101/status/start")).data as string;
    expect(await waitTask(sim, again)).toMatchObject({ exitstatus: "VM 101 already running" });
    expect((await taskLog(sim, again)).at(-1)).toBe("TASK ERROR: VM 101 already running");

    const ct = await api(sim, "POST", "/nodes/pve1/lxc/102/status/start");
    expect(ct.status).toBe(500);
    expect(ct.statusText).toBe("CT 102 already running");
    const stopped = await api(sim, "POST", "/nodes/pve3/lxc/111/status/shutdown", {}, undefined, "pve3");
    expect(stopped.statusText).toBe("CT 111 not running");

    const elsewhere = await api(sim, "POST", "/nodes/pve2/qemu/101/status/stop", {}, undefined, "pve2");
    expect(elsewhere.status).toBe(500);
    expect(elsewhere.statusText).toBe("Configuration file 'nodes/pve2/qemu-server/101.conf' does not exist");

    sim.model.guest(103)!.lock = "backup";
    const locked = (await api(sim, "POST", "/nodes/pve1/qemu/103/status/stop")).data as string;
    expect(await waitTask(sim, locked)).toMatchObject({ exitstatus: "VM 103 is locked (backup)" });

    sim.setNodeOnline("pve2", false);
    sim.setNodeOnline("pve3", false);
    const noQuorum = await api(sim, "POST", "/nodes/pve1/qemu/103/status/start");
    expect(noQuorum.statusText).toBe("cluster not ready - no quorum?");
  });

  it("turns power actions on HA-managed guests into hastart/hastop requests the LRM carries out", async () => {
    const sim = frozenSimulator();
    const stop = (await api(sim, "POST", "/nodes/pve1/qemu/100/status/shutdown")).data as string;
    expect(stop).toContain(":hastop:100:");
    sim.advance(1);
    expect(await taskLog(sim, stop)).toEqual(["Requesting HA stop for VM 100", "TASK OK"]);
    expect((await api(sim, "GET", "/cluster/ha/resources/vm:100")).data).toMatchObject({ state: "stopped" });
    sim.advance(30);
    const services = async () =>
      ((await api(sim, "GET", "/cluster/ha/status/current")).data as { id: string; state?: string }[]).find((e) => e.id === "service:vm:100");
    expect((await services())?.state).toBe("stopped");
    expect(sim.model.guest(100)!.status).toBe("stopped");
    const lrmTasks = (await api(sim, "GET", "/nodes/pve1/tasks", { vmid: 100, limit: 5 })).data as TaskRow[];
    expect(lrmTasks.map((t) => t.type).slice(0, 2)).toEqual(["qmshutdown", "hastop"]);

    const start = (await api(sim, "POST", "/nodes/pve1/qemu/100/status/start")).data as string;
    expect(start).toContain(":hastart:100:");
    sim.advance(30);
    expect((await services())?.state).toBe("started");
    expect(sim.model.guest(100)!.status).toBe("running");
  });
});

describe("migration", () => {
  it("migrates a running VM online to its replication target: delta sync, state handover, job reversed", async () => {
    const sim = frozenSimulator();
    sim.advance(7200); // 101-0 (pve1 → pve2) has synced (after 100-0's long first sync)
    const before = (await jobStatus(sim, "pve1", "101-0"))!;
    expect(before.last_sync).toBeGreaterThan(0);

    const pre = (await api(sim, "GET", "/nodes/pve1/qemu/101/migrate", { target: "pve2" })).data as Record<string, unknown>;
    expect(pre).toMatchObject({ running: 1, allowed_nodes: ["pve2"], local_disks: [{ volid: "local-zfs:vm-101-disk-0" }] });

    const noOnline = await api(sim, "POST", "/nodes/pve1/qemu/101/migrate", { target: "pve2" });
    expect(noOnline.statusText).toBe("can't migrate running VM without --online");
    const local = await api(sim, "POST", "/nodes/pve1/qemu/101/migrate", { target: "pve1", online: 1 });
    expect(local.status).toBe(400);
    expect(local.body.errors).toEqual({ target: "target is local node." });

    const upid = (await api(sim, "POST", "/nodes/pve1/qemu/101/migrate", { target: "pve2", online: 1 })).data as string;
    expect(upid).toContain(":qmigrate:101:");
    expect(((await api(sim, "GET", "/nodes/pve1/qemu/101/config")).data as { lock?: string }).lock).toBe("migrate");
    const status = await waitTask(sim, upid);
    expect(status.exitstatus).toBe("OK");
    const log = await taskLog(sim, upid);
    const text = log.join("\n");
    expect(log[0]).toMatch(/starting migration of VM 101 to node 'pve2' \(10\.10\.10\.12\)$/);
    expect(text).toContain("found local, replicated disk 'local-zfs:vm-101-disk-0' (attached)");
    expect(text).toContain("scsi0: start tracking writes using block-dirty-bitmap 'repl_scsi0'");
    expect(text).toContain("replicating disk images");
    expect(text).toMatch(/incremental sync 'local-zfs:vm-101-disk-0' \(__replicate_101-0_\d+__ => __replicate_101-0_\d+__\)/);
    expect(text).toContain("drive mirror re-using dirty bitmap 'repl_scsi0'");
    expect(text).toContain("migration status: completed");
    expect(log.at(-2)).toMatch(/migration finished successfully \(duration \d\d:\d\d:\d\d\)$/);
    expect(log.at(-1)).toBe("TASK OK");

    // The guest lives on pve2 now, and the job runs pve2 → pve1 with the state handed over.
    expect(sim.model.guest(101)!.node).toBe("pve2");
    const config = (await api(sim, "GET", "/cluster/replication/101-0")).data;
    expect(config).toMatchObject({ target: "pve1", source: "pve2" });
    const after = (await jobStatus(sim, "pve2", "101-0"))!;
    expect(after.last_sync).toBeGreaterThan(before.last_sync);
    expect(after.fail_count).toBe(0);
    expect(await jobStatus(sim, "pve1", "101-0")).toBeUndefined();
    // The next run from pve2 is incremental, on the snapshot the migration made.
    const runsBefore = sim.model.performedRuns.length;
    sim.advance(1800);
    const next = sim.model.performedRuns.slice(runsBefore).find((r) => r.jobId === "101-0");
    expect(next).toMatchObject({ node: "pve2", outcome: "ok", kind: "incremental" });
  });

  it("refuses a live migration to a node that is not a replication target without force, and a job marked for removal", async () => {
    const sim = frozenSimulator();
    const res = await api(sim, "POST", "/nodes/pve1/qemu/101/migrate", { target: "pve3", online: 1 });
    expect(res.status).toBe(500);
    expect(res.statusText).toBe("Cannot live-migrate replicated VM to node 'pve3' - not a replication target. Use 'force' to override.");
    await api(sim, "DELETE", "/cluster/replication/103-0");
    const upid = (await api(sim, "POST", "/nodes/pve1/qemu/103/migrate", { target: "pve2", online: 1 })).data as string;
    expect((await waitTask(sim, upid)).exitstatus).toBe("refusing to migrate replicated VM whose replication job is marked for removal");
    sim.setNodeOnline("pve2", false);
    sim.setNodeOnline("pve3", false);
    expect((await api(sim, "POST", "/nodes/pve1/qemu/101/migrate", { target: "pve2", online: 1 })).statusText).toBe("cluster not ready - no quorum?");
  });

  it("copies whole disks to a node that is not a target; the jobs keep their targets; duration follows the disk size", async () => {
    const sim = frozenSimulator();
    await api(sim, "POST", "/nodes/pve1/qemu/103/status/stop");
    sim.advance(10);
    sim.advance(3600); // 103-0 (hourly) synced to pve2
    const upid = (await api(sim, "POST", "/nodes/pve1/qemu/103/migrate", { target: "pve3" })).data as string;
    const status = await waitTask(sim, upid, 10);
    expect(status.exitstatus).toBe("OK");
    const log = await taskLog(sim, upid);
    expect(log.join("\n")).toContain("copying local disk images");
    expect(log.join("\n")).toMatch(/full send of rpool\/data\/vm-103-disk-0@__migration__ estimated size is 35\.2G/);
    const task = ((await api(sim, "GET", "/nodes/pve1/tasks", { vmid: 103, typefilter: "qmigrate" })).data as { starttime: number; endtime: number }[])[0]!;
    const seconds = task.endtime - task.starttime;
    expect(seconds).toBeGreaterThan((64 * 0.55 * 1024 ** 3) / 117_000_000); // 35 GiB over ~1 GbE
    expect(sim.model.guest(103)!.node).toBe("pve3");
    expect((await api(sim, "GET", "/cluster/replication/103-0")).data).toMatchObject({ target: "pve2" });
    expect(sim.model.volume("pve1", "local-zfs:vm-103-disk-0")).toBeUndefined();
  });

  it("migrates a running container in restart mode", async () => {
    const sim = frozenSimulator();
    sim.advance(1800);
    const refused = await api(sim, "POST", "/nodes/pve1/lxc/102/migrate", { target: "pve3" });
    expect(refused.statusText).toBe("can't migrate running container without --online or --restart");
    const pre = (await api(sim, "GET", "/nodes/pve1/lxc/102/migrate")).data;
    expect(pre).toMatchObject({ running: 1, "allowed-nodes": ["pve2", "pve3"] });
    const upid = (await api(sim, "POST", "/nodes/pve1/lxc/102/migrate", { target: "pve3", restart: 1 })).data as string;
    expect(upid).toContain(":vzmigrate:102:");
    expect((await waitTask(sim, upid)).exitstatus).toBe("OK");
    const log = (await taskLog(sim, upid)).join("\n");
    expect(log).toContain("shutdown CT 102");
    expect(log).toContain("start container on target node");
    expect(sim.model.guest(102)).toMatchObject({ node: "pve3", status: "running" });
    expect((await api(sim, "GET", "/cluster/replication/102-0")).data).toMatchObject({ target: "pve1", source: "pve3" });
  });
});

describe("migration and node failure", () => {
  it("aborts a running migration when the target dies; the guest stays on the source", async () => {
    const sim = frozenSimulator();
    await api(sim, "POST", "/nodes/pve1/qemu/103/status/stop");
    sim.advance(10);
    const upid = (await api(sim, "POST", "/nodes/pve1/qemu/103/migrate", { target: "pve3" })).data as string;
    sim.advance(60);
    sim.setNodeOnline("pve3", false);
    const status = await waitTask(sim, upid);
    expect(status.exitstatus).toBe("migration aborted");
    const log = await taskLog(sim, upid);
    expect(log.at(-2)).toMatch(/ERROR: migration aborted \(duration 00:01:0\d\): pve3 went down/);
    expect(log.at(-1)).toBe("TASK ERROR: migration aborted");
    expect(sim.model.guest(103)).toMatchObject({ node: "pve1" });
    expect(sim.model.guest(103)!.lock).toBeUndefined();
  });
});

describe("migration permissions", () => {
  it("refuses force for anyone but root@pam (tokens included) and migrates locked VMs nowhere", async () => {
    const sim = frozenSimulator();
    const forced = await api(sim, "POST", "/nodes/pve1/qemu/101/migrate", { target: "pve3", online: 1, force: 1 });
    expect(forced.status).toBe(400);
    expect(forced.body.errors).toEqual({ force: "Only root may use this option." });
    sim.model.guest(101)!.lock = "backup";
    const locked = await api(sim, "POST", "/nodes/pve1/qemu/101/migrate", { target: "pve2", online: 1 });
    expect(locked.statusText).toBe("VM 101 is locked (backup)");
  });
});

describe("schema of the new write endpoints", () => {
  it("answers power, migrate and HA migrate calls per the official schema", async () => {
    const { getEndpoint } = await import("./api-schema");
    const { validateResponse } = await import("./validate");
    const sim = frozenSimulator();
    const calls: [string, string, string, Record<string, string | number>][] = [
      ["/nodes/{node}/qemu/{vmid}/status/shutdown", "/nodes/pve1/qemu/103/status/shutdown", "pve1", {}],
      ["/nodes/{node}/lxc/{vmid}/status/stop", "/nodes/pve3/lxc/108/status/stop", "pve3", {}],
      ["/nodes/{node}/qemu/{vmid}/migrate", "/nodes/pve1/qemu/101/migrate", "pve1", { target: "pve2", online: 1 }],
      ["/nodes/{node}/lxc/{vmid}/migrate", "/nodes/pve1/lxc/102/migrate", "pve1", { target: "pve3", restart: 1 }],
      ["/cluster/ha/resources/{sid}/migrate", "/cluster/ha/resources/vm:100/migrate", "pve1", { node: "pve2" }],
    ];
    for (const [template, path, node, params] of calls) {
      const res = await api(sim, "POST", path, params, undefined, node);
      expect(res.status, path).toBe(200);
      expect(validateResponse(getEndpoint("POST", template)?.returns, res.data), path).toEqual([]);
    }
  });
});
