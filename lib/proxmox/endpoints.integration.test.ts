import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getClusterResources } from "./cluster";
import { getGuestStatus } from "./guests";
import { getHaStatus, listHaResources } from "./ha";
import { getNodeTime, getStorageContent } from "./nodes";
import { getNodeReplicationStatus, getReplicationJobStatus, getReplicationLog, listReplicationJobs } from "./replication";
import { startSimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import { getTaskLog, getTaskStatus, listNodeTasks } from "./tasks";

// Every typed read parses what the simulator (validated against Proxmox's schema) answers.
let fx: SimulatorFixture;

beforeAll(async () => {
  fx = await startSimulatorFixture();
  fx.sim.advance(20 * 60); // let the scheduler run every job at least once
});

afterAll(async () => {
  await fx.close();
});

describe("typed endpoints", () => {
  it("replication: config, node status, single status and log", async () => {
    const client = fx.client();
    const jobs = (await listReplicationJobs(client)).data;
    const status = await getNodeReplicationStatus(client, "pve1");
    const job = status.data[0];
    expect(job).toBeDefined();
    expect(jobs.some((j) => j.id === job?.id)).toBe(true);
    expect(status.data.every((j) => j.source === "pve1")).toBe(true);
    expect((status.serverTime?.getTime() ?? 0) / 1000).toBeGreaterThanOrEqual(job?.last_try ?? Infinity);

    const one = await getReplicationJobStatus(client, "pve1", job?.id ?? "");
    expect(one.data.id).toBe(job?.id);
    const log = await getReplicationLog(client, "pve1", job?.id ?? "", { limit: 0 });
    expect(log.total).toBe(log.data.length);
    expect(log.data[0]?.n).toBe(1);
  });

  it("nodes, storage and time", async () => {
    const client = fx.client();
    const time = (await getNodeTime(client, "pve2")).data;
    expect(Math.abs(time.time - fx.sim.now())).toBeLessThan(2);
    const resources = (await getClusterResources(client)).data;
    const zfs = resources.find((r) => r.type === "storage" && r.node === "pve2" && r.plugintype === "zfspool");
    expect(zfs?.maxdisk).toBeGreaterThan(0);
    const content = (await getStorageContent(client, "pve2", zfs?.storage ?? "")).data;
    expect(content.every((v) => v.volid.startsWith(`${zfs?.storage}:`))).toBe(true);
  });

  it("guests, tasks and HA", async () => {
    const client = fx.client();
    const guests = (await getClusterResources(client, { type: "vm" })).data;
    const guest = guests.find((g) => g.type === "qemu" && g.node);
    const status = (await getGuestStatus(client, guest?.node ?? "", "qemu", guest?.vmid ?? 0)).data;
    expect(status.vmid).toBe(guest?.vmid);
    expect(status.status).toBe(guest?.status);

    const tasks = (await listNodeTasks(client, "pve1", { limit: 5 })).data;
    const upid = tasks[0]?.upid ?? "";
    expect(upid).toMatch(/^UPID:pve1:/);
    expect((await getTaskStatus(client, upid)).data.upid).toBe(upid);
    expect((await getTaskLog(client, upid)).data.length).toBeGreaterThan(0);

    await listHaResources(client);
    const ha = (await getHaStatus(client)).data;
    expect(ha.some((e) => e.type === "quorum")).toBe(true);
  });
});
