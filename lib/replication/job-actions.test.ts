import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "@/lib/auth/users";
import { runPollCycle } from "@/lib/poller/run-cycle";
import { getReplicationJob, getReplicationJobStatus } from "@/lib/proxmox/replication";
import { SIM_START, startSimulatorFixture, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { createJob, deleteJob, runJobNow, setJobRpo, updateJob, type JobActionDeps } from "./job-actions";
import { getJobOptions } from "./job-options";
import { createClusterRow } from "@/lib/testing/cluster-row";

// Job changes against the simulator over HTTPS: Proxmox's rules decide, our rows follow.
let db: PrismaClient;
let cleanup: () => Promise<void>;
let fx: SimulatorFixture;
let deps: JobActionDeps;
const simNow = () => new Date(fx.sim.now() * 1000);
const poll = () => runPollCycle("demo", { db, client: fx.client(), now: simNow });

beforeAll(async () => {
  ({ db, cleanup } = createTestDb());
  fx = await startSimulatorFixture({ scenario: "demo", seed: 1, startTime: SIM_START, speed: 0 });
  await createClusterRow(db, "demo", fx.sim.credentials.tokenId);
  deps = { db, clientFor: () => fx.client() };
  fx.sim.advance(60);
  await poll();
}, 60_000);
afterAll(async () => {
  await fx.close();
  await cleanup();
});

async function guestWithFreeTarget() {
  const guests = await db.guest.findMany({ where: { template: false }, orderBy: { vmid: "asc" } });
  for (const guest of guests) {
    const options = await getJobOptions(deps, "demo", guest.vmid);
    const target = options.targets.find((t) => t.eligible);
    if (!options.noReplicableDisks && target) return { guest, options, target: target.node };
  }
  throw new Error("the demo scenario has no guest with a free target");
}

describe("job options", () => {
  it("offers only other nodes that carry the guest's ZFS storage and have no job from it", async () => {
    const options = await getJobOptions(deps, "demo", 100);
    expect(options.targets.map((t) => t.node)).not.toContain(options.owner);
    expect(options.guestStorages.length).toBeGreaterThan(0);
    expect(options.timeZone).toBe("UTC");
    expect(options.targets.find((t) => t.node === "pve2")).toMatchObject({ eligible: false, reason: "already has a job from this guest" });
  });
});

describe("job changes", () => {
  it("creates a job in Proxmox with the next job number and keeps the RPO in our row", async () => {
    const { guest, target, options } = await guestWithFreeTarget();
    const created = await createJob(deps, { clusterId: "demo", vmid: guest.vmid, target, schedule: "*/10", rate: 50, comment: "nightly", enabled: true, rpoSeconds: 1800 });
    expect(created.jobId).toBe(`${guest.vmid}-${options.nextJobnum}`);
    const pve = await getReplicationJob(fx.client(), created.jobId);
    expect(pve.data).toMatchObject({ target, schedule: "*/10", rate: 50, comment: "nightly" });
    fx.sim.advance(60);
    await poll();
    const row = await db.replicationJob.findUniqueOrThrow({ where: { id: created.jobRowId } });
    expect(row.rpoSeconds).toBe(1800);
    expect(row.schedule).toBe("*/10");
  });

  it("shows Proxmox's own words when it refuses", async () => {
    const row = await db.replicationJob.findFirstOrThrow({ where: { jobId: "100-0" } });
    const duplicate = createJob(deps, { clusterId: "demo", vmid: 100, target: row.target, schedule: "*/15", rate: null, comment: "", enabled: true, rpoSeconds: null });
    await expect(duplicate).rejects.toThrow(UserError);
    await expect(duplicate).rejects.toThrow(/Proxmox refused: .*already exists/);
  });

  it("edits, disables, runs now and sets the RPO", async () => {
    const row = await db.replicationJob.findFirstOrThrow({ where: { jobId: "101-0" } });
    const result = await updateJob(deps, row.id, { schedule: "*/30", rate: null, comment: "", enabled: false });
    expect(result.audit.after).toMatchObject({ schedule: "*/30", enabled: false });
    const pve = await getReplicationJob(fx.client(), "101-0");
    expect(pve.data).toMatchObject({ schedule: "*/30", disable: true });
    expect(pve.data.rate).toBeUndefined();
    await updateJob(deps, row.id, { enabled: true });

    await expect(runJobNow(deps, row.id)).resolves.toMatchObject({ jobId: "101-0" });
    const rpo = await setJobRpo(db, row.id, 900);
    expect(rpo.audit).toEqual({ before: { rpoSeconds: null }, after: { rpoSeconds: 900 } });
  });

  it("refuses run now while a sync of the guest holds its lock, and says to ask again once it ends", async () => {
    // A minute in, the demo's first full sync of VM 100 (hundreds of GiB) is still running on pve1.
    expect((await getReplicationJobStatus(fx.client(), "pve1", "100-0")).data.pid).toBeDefined();
    const row = await db.replicationJob.findFirstOrThrow({ where: { jobId: "100-0" } });
    const refused = runJobNow(deps, row.id);
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow(/^A sync or migration of guest 100 is running on pve1.*can't lock file .*pve-migrate-100.*ask again once it has ended/);
  });

  it("deletes with each of Proxmox's three choices", async () => {
    const keep = await db.replicationJob.findFirstOrThrow({ where: { jobId: "102-0" } });
    await deleteJob(deps, keep.id, "keep");
    expect((await getReplicationJob(fx.client(), "102-0")).data.remove_job).toBe("local");

    const full = await db.replicationJob.findFirstOrThrow({ where: { jobId: "103-0" } });
    await deleteJob(deps, full.id, "full");
    expect((await getReplicationJob(fx.client(), "103-0")).data.remove_job).toBe("full");

    const force = await db.replicationJob.findFirstOrThrow({ where: { jobId: "100-0" } });
    await deleteJob(deps, force.id, "force");
    await expect(getReplicationJob(fx.client(), "100-0")).rejects.toThrow();
    fx.sim.advance(60);
    await poll();
    expect((await db.replicationJob.findUniqueOrThrow({ where: { id: force.id } })).goneAt).not.toBeNull();
    await expect(runJobNow(deps, force.id)).rejects.toThrow(/no longer exists/);
  });
});
