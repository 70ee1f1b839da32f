import "server-only";
import { UserError } from "@/lib/auth/users";
import { getClusterResources, getClusterStatus } from "@/lib/proxmox/cluster";
import { getStorageContent } from "@/lib/proxmox/nodes";
import type { PrismaClient } from "@/prisma/generated/client";
import { listReplicationJobs } from "@/lib/proxmox/replication";
import type { JobActionDeps } from "./job-actions";
import { withCluster } from "./job-actions";

export type TargetChoice = { node: string; online: boolean; eligible: boolean; reason: string | null };

/**
 * What the add-job dialog offers, read live from Proxmox when the dialog opens (the database has
 * no storage contents): targets other than the guest's node, carrying every ZFS storage the
 * guest has disks on (Proxmox replicates to the same storage ID, reference §3.1), without a job
 * from this guest yet (one job per guest and target); and the cluster's time zone, in which the
 * schedule runs, as the poller stored it (getClusterTimeZone).
 */
export async function getJobOptions(deps: JobActionDeps, clusterId: string, vmid: number) {
  const timeZone = await getClusterTimeZone(deps.db, clusterId);
  return withCluster(deps, clusterId, async (client) => {
    const [status, resources, jobs] = await Promise.all([
      getClusterStatus(client),
      getClusterResources(client),
      listReplicationJobs(client),
    ]);
    const guest = resources.data.find((r) => (r.type === "qemu" || r.type === "lxc") && r.vmid === vmid);
    if (!guest?.node) throw new UserError(`Guest ${vmid} does not exist in this cluster.`);
    const owner = guest.node;
    const zfsOn = (node: string) =>
      resources.data.filter((r) => r.type === "storage" && r.node === node && r.plugintype === "zfspool" && !r.shared).map((r) => r.storage ?? "");

    const guestStorages: string[] = [];
    for (const storage of zfsOn(owner)) {
      const content = await getStorageContent(client, owner, storage, { vmid });
      if (content.data.length > 0) guestStorages.push(storage);
    }
    const taken = new Set(jobs.data.filter((j) => j.guest === vmid).map((j) => j.target));

    const targets: TargetChoice[] = status.data
      .filter((e) => e.type === "node" && e.name !== owner)
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))
      .map((e) => {
        const missing = guestStorages.filter((s) => !zfsOn(e.name).includes(s));
        const reason = taken.has(e.name)
          ? "already has a job from this guest"
          : missing.length
            ? `has no ZFS storage ${missing.join(", ")}`
            : null;
        return { node: e.name, online: Boolean(e.online), eligible: reason === null, reason };
      });
    return {
      owner,
      timeZone,
      guestStorages,
      nextJobnum: jobs.data.filter((j) => j.guest === vmid).reduce((max, j) => Math.max(max, j.jobnum + 1), 0),
      noReplicableDisks: guestStorages.length === 0,
      targets,
    };
  });
}
export type JobOptions = Awaited<ReturnType<typeof getJobOptions>>;

/**
 * The zone schedules, default RPOs and next-run previews use: the one the poller stored with the
 * cluster (lib/poller/time-zone.ts), so it holds while the cluster is unreachable. Null until a
 * first successful poll read it; callers then say so and fall back to UTC, Proxmox's default.
 */
export async function getClusterTimeZone(db: PrismaClient, clusterId: string): Promise<string | null> {
  const row = await db.cluster.findUnique({ where: { id: clusterId }, select: { timeZone: true } });
  return row?.timeZone ?? null;
}
