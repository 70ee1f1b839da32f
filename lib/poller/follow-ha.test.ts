import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHttpsTransport } from "@/lib/proxmox/transport";
import { parseStoredDisks } from "@/lib/failover/disk-list";
import { parseHaResources } from "@/lib/failover/ha-state";
import { parseOutageReplicas } from "@/lib/failover/outage";
import { startSimulatedCluster, type SimulatedCluster } from "@/lib/testing/simulated-cluster";
import { recordRequests, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { DISK_LISTS_PER_CYCLE } from "./refresh-disk-lists";
import { runPollCycle } from "./run-cycle";

let db: PrismaClient;
let fx: SimulatorFixture;
let simNow: SimulatedCluster["now"];
let pollEvery: SimulatedCluster["pollEvery"];
let cleanup: () => Promise<void>;

beforeEach(async () => ({ db, fx, now: simNow, pollEvery, cleanup } = await startSimulatedCluster()));
afterEach(() => cleanup());

describe("the poller's HA reading", () => {
  it("reads HA with three cluster-wide calls and a bounded number of guest configurations per cycle", async () => {
    const recorder = recordRequests(createHttpsTransport({ trust: { kind: "fingerprint", sha256: fx.pins }, connectTimeoutMs: 1000 }));
    const client = fx.client({ transport: recorder.transport });
    fx.sim.advance(60);
    await runPollCycle("demo", { db, client, now: simNow });
    const paths = recorder.log.map((r) => r.path.split("?")[0]!);
    expect(paths.filter((p) => p.includes("/cluster/ha/")).sort()).toEqual(["/cluster/ha/resources", "/cluster/ha/rules", "/cluster/ha/status/current"]);
    expect(paths.filter((p) => p.endsWith("/config")).length).toBe(DISK_LISTS_PER_CYCLE);

    const state = await db.haState.findUniqueOrThrow({ where: { clusterId: "demo" } });
    expect(state.placementApi).toBe("rules");
    expect(state.error).toBeNull();
    const resources = parseHaResources(state.resources);
    expect(resources).toEqual([expect.objectContaining({ sid: "vm:100", vmid: 100, state: "started", failback: true, crmState: "started", node: "pve1" })]);
  });

  it("keeps every protected guest's disk list, with the storage type, within a few cycles", async () => {
    await pollEvery(15, 4);
    const protectedGuests = new Set([...fx.sim.model.jobs.values()].map((j) => j.guest));
    const lists = await db.guestDiskList.findMany({ where: { clusterId: "demo" } });
    expect(new Set(lists.map((l) => l.vmid))).toEqual(protectedGuests);
    const db100 = parseStoredDisks(lists.find((l) => l.vmid === 100)?.disks);
    expect(db100.map((d) => [d.key, d.volid, d.storageType, d.replicate])).toEqual([
      ["scsi0", "local-zfs:vm-100-disk-0", "zfspool", true],
      ["scsi1", "local-zfs:vm-100-disk-1", "zfspool", true],
    ]);
    expect(db100[1]!.sizeBytes).toBe(200 * 1024 ** 3);
    const ct = parseStoredDisks(lists.find((l) => l.vmid === 102)?.disks);
    expect(ct.map((d) => d.key)).toEqual(["rootfs"]);
  });

  it("re-reads a guest's disks as soon as its jobs change, and not before an hour otherwise", async () => {
    await pollEvery(15, 4);
    const before = await db.guestDiskList.findUniqueOrThrow({ where: { clusterId_vmid: { clusterId: "demo", vmid: 101 } } });
    await pollEvery(15, 2);
    const same = await db.guestDiskList.findUniqueOrThrow({ where: { clusterId_vmid: { clusterId: "demo", vmid: 101 } } });
    expect(same.readClusterTime).toBe(before.readClusterTime);
    fx.sim.model.putJob({ id: "101-1", type: "local", guest: 101, jobnum: 1, target: "pve3", source: "pve1", schedule: "*/15" });
    await pollEvery(15, 1);
    const after = await db.guestDiskList.findUniqueOrThrow({ where: { clusterId_vmid: { clusterId: "demo", vmid: 101 } } });
    expect(after.readClusterTime).toBeGreaterThan(before.readClusterTime!);
    expect(after.jobsKey).toContain("101-1>pve3");
  });

  it("follows an HA guest from its node's death to started elsewhere with the job turned around", async () => {
    // The first full sync of VM 100's 232 GiB takes most of an hour at its 80 MB/s limit.
    fx.sim.advance(3 * 3600);
    await pollEvery(60, 3);
    const job = await db.replicationJob.findFirstOrThrow({ where: { jobId: "100-0" } });
    expect(job.lastSync).toBeGreaterThan(0);
    expect(await db.guestDiskList.count({ where: { node: "pve1" } })).toBeGreaterThan(0);

    fx.sim.model.setNodeOnline("pve1", false, fx.sim.now());
    const survivors = fx.client({ endpoints: ["pve2", "pve3"].map((n) => fx.endpoint(n)) });
    await pollEvery(15, 20, survivors);

    const outage = await db.nodeOutage.findFirstOrThrow({ where: { node: "pve1" }, include: { guests: { orderBy: { vmid: "asc" } } } });
    expect(outage.endedAt).toBeNull();
    expect(outage.failedAt).toBeGreaterThanOrEqual(job.stateClusterTime!);
    expect(outage.failedAt).toBeLessThanOrEqual(outage.detectedAt);
    expect(outage.guests.map((g) => g.vmid)).toEqual([100, 101, 102, 103, 110]);
    const vm100 = outage.guests.find((g) => g.vmid === 100)!;
    expect(vm100).toMatchObject({ haManaged: true, statusBefore: "running", recoveredTo: "pve2", problem: null });
    expect(vm100.fencedAt).not.toBeNull();
    expect(vm100.startedAt).toBeGreaterThanOrEqual(vm100.recoveredAt!);
    expect(vm100.turnedAroundAt).not.toBeNull();
    // The last sync before the failure survives the turn-around (the new job state starts at 0).
    expect(parseOutageReplicas(vm100.replicas)).toEqual([{ jobId: "100-0", target: "pve2", lastSync: job.lastSync }]);
    const turned = await db.replicationJob.findFirstOrThrow({ where: { jobId: "100-0" } });
    expect(turned.source).toBe("pve2");
    expect(turned.target).toBe("pve1");
    // No copy back to pve1 yet: the lag counts from the start on pve2, not "unknown".
    expect(turned.lastSync).toBeNull();
    expect(await db.jobUnprotected.findUnique({ where: { jobRowId: turned.id } })).toMatchObject({ since: vm100.startedAt, fromNode: "pve1", toNode: "pve2" });
    expect(turned.lagSeconds).toBe(turned.polledAt! - vm100.startedAt!);

    const events = await db.failoverEvent.findMany({ where: { outageId: outage.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
    const kinds100 = events.filter((e) => e.vmid === 100).map((e) => e.kind);
    expect(events[0]!.kind).toBe("node-lost");
    expect(kinds100).toEqual(["fenced", "recovered", "started", "job-turned"]);
    // Non-HA guests stay on the dead node, and their disk lists are kept.
    expect(outage.guests.find((g) => g.vmid === 101)).toMatchObject({ haManaged: false, recoveredTo: null });
    expect(parseStoredDisks((await db.guestDiskList.findUniqueOrThrow({ where: { clusterId_vmid: { clusterId: "demo", vmid: 101 } } })).disks)).toHaveLength(1);

    fx.sim.model.setNodeOnline("pve1", true, fx.sim.now());
    await pollEvery(15, 2);
    const ended = await db.nodeOutage.findUniqueOrThrow({ where: { id: outage.id } });
    expect(ended.endedAt).not.toBeNull();
    expect(await db.failoverEvent.count({ where: { outageId: outage.id, kind: "node-returned" } })).toBe(1);
  });

  it("records a failed HA read on its row and still polls replication", async () => {
    await pollEvery(15, 1);
    fx.sim.core.faults.add({ kind: "error", status: 500, path: "/cluster/ha/status/current", message: "pve-ha-crm not answering" }, fx.sim.now());
    await pollEvery(15, 1);
    const state = await db.haState.findUniqueOrThrow({ where: { clusterId: "demo" } });
    expect(state.error).toMatch(/pve-ha-crm not answering/);
    // The last good read is kept, and replication was still polled.
    expect(parseHaResources(state.resources).map((r) => r.sid)).toEqual(["vm:100"]);
    const jobs = await db.replicationJob.findMany();
    expect(jobs.every((j) => j.polledAt === Math.floor(fx.sim.now()))).toBe(true);
  });
});
