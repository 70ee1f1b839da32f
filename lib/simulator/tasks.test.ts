import { describe, expect, it } from "vitest";

import { api, auditorToken, frozenSimulator, jobStatus } from "./test-support";

describe("tasks", () => {
  it("lists boot tasks with Proxmox UPIDs, their status and logs", async () => {
    const sim = frozenSimulator();
    const list = await api(sim, "GET", "/nodes/pve1/tasks", { typefilter: "qmstart" });
    const tasks = list.data as { upid: string; type: string; id: string; status: string; endtime: number; starttime: number }[];
    expect(tasks.map((t) => t.id).sort()).toEqual(["100", "101", "103", "110"]);
    const task = tasks[0]!;
    expect(task.upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmstart:\d+:root@pam:$/);
    expect(parseInt(task.upid.split(":")[4] as string, 16)).toBe(task.starttime);
    expect(task.status).toBe("OK");
    const status = await api(sim, "GET", `/nodes/pve1/tasks/${encodeURIComponent(task.upid)}/status`);
    expect(status.data).toMatchObject({ status: "stopped", exitstatus: "OK", type: "qmstart", user: "root@pam" });
    const log = await api(sim, "GET", `/nodes/pve1/tasks/${encodeURIComponent(task.upid)}/log`);
    expect((log.data as { t: string }[]).at(-1)?.t).toBe("TASK OK");
    expect(log.body.total).toBe((log.data as unknown[]).length);
    const bad = await api(sim, "GET", "/nodes/pve1/tasks/UPID:nope/status");
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual({ upid: "unable to parse worker upid" });
    // The auditor holds Sys.Audit on /, so it sees root's tasks too.
    expect(((await api(sim, "GET", "/cluster/tasks", {}, auditorToken(sim))).data as unknown[]).length).toBeGreaterThan(10);
  });
});

describe("stolen guests", () => {
  it("re-targets the job when a guest shows up on its replication target (HA recovery, manual move)", async () => {
    const sim = frozenSimulator();
    const guest = sim.model.guest(101)!;
    guest.node = "pve2"; // what moving /etc/pve/nodes/pve1/qemu-server/101.conf to pve2 does
    sim.model.touch();
    const job = await jobStatus(sim, "pve2", "101-0");
    expect(job).toMatchObject({ target: "pve1", source: "pve2", last_sync: 0, last_try: 0 });
    expect(await jobStatus(sim, "pve1", "101-0")).toBeUndefined();
    const config = (await api(sim, "GET", "/cluster/replication/101-0")).data;
    expect(config).toMatchObject({ target: "pve1", source: "pve2" });
  });
});
