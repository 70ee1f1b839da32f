import "server-only";
import { UserError } from "@/lib/auth/users";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { PveBusinessError, PveError, PveParameterError, PvePermissionError, PveUnreachableError, PveTimeoutError } from "@/lib/proxmox/errors";
import {
  createReplicationJob, deleteReplicationJob, isGuestMigrationLockTimeout, listReplicationJobs, scheduleReplicationNow, updateReplicationJob,
} from "@/lib/proxmox/replication";
import type { Cluster, PrismaClient } from "@/prisma/generated/client";
import type { CreateJobInput, DeleteMode, UpdateJobInput } from "./job-schemas";

// Job changes go to Proxmox first; our database only records what Proxmox accepted, and the
// poller (triggered by the caller) brings back the new state. Proxmox's refusals reach the
// operator in Proxmox's own words.

export type JobActionDeps = { db: PrismaClient; clientFor: (cluster: Cluster) => ProxmoxClient };

type JobAudit = Record<string, unknown>;

/** Creates `<vmid>-<n>` with the next free job number (as the Proxmox GUI chooses it). */
export async function createJob(deps: JobActionDeps, input: CreateJobInput) {
  return withCluster(deps, input.clusterId, async (client, cluster) => {
    const existing = (await listReplicationJobs(client)).data.filter((j) => j.guest === input.vmid);
    const jobnum = existing.reduce((max, j) => Math.max(max, j.jobnum + 1), 0);
    const jobId = `${input.vmid}-${jobnum}`;
    await createReplicationJob(client, {
      id: jobId,
      target: input.target,
      schedule: input.schedule,
      rate: input.rate ?? undefined,
      comment: input.comment || undefined,
      disable: input.enabled ? undefined : true,
    });
    // Proxmox accepted it: the row exists now so the RPO has a home and the page shows the job
    // before the next poll fills in its state.
    const row = await deps.db.replicationJob.upsert({
      where: { clusterId_jobId: { clusterId: cluster.id, jobId } },
      create: {
        clusterId: cluster.id, jobId, vmid: input.vmid, jobnum, target: input.target, schedule: input.schedule, rate: input.rate,
        comment: input.comment || null, disabled: !input.enabled, status: input.enabled ? "never-synced" : "disabled",
        statusMessage: "Created; waiting for the first poll", rpoSeconds: input.rpoSeconds,
      },
      update: { rpoSeconds: input.rpoSeconds, goneAt: null },
    });
    return { clusterId: cluster.id, jobRowId: row.id, jobId, audit: { after: { ...input, jobId } } };
  });
}

/** Schedule, rate, comment, enabled; unset values are deleted in Proxmox so its defaults apply. */
export async function updateJob(deps: JobActionDeps, jobRowId: string, input: UpdateJobInput) {
  const row = await findJob(deps.db, jobRowId);
  return withCluster(deps, row.clusterId, async (client) => {
    const remove: string[] = [];
    if (input.rate === null) remove.push("rate");
    if (input.comment === "") remove.push("comment");
    await updateReplicationJob(client, row.jobId, {
      schedule: input.schedule,
      rate: input.rate ?? undefined,
      comment: input.comment || undefined,
      disable: input.enabled === undefined ? undefined : !input.enabled,
      delete: remove.length ? remove : undefined,
    });
    const before = { schedule: row.schedule, rate: row.rate, comment: row.comment, enabled: !row.disabled };
    return { clusterId: row.clusterId, jobId: row.jobId, audit: { before, after: { ...before, ...input } } satisfies JobAudit };
  });
}

/** schedule_now on the node that owns the guest: the job becomes due at the next scheduler tick. */
export async function runJobNow(deps: JobActionDeps, jobRowId: string) {
  const row = await findJob(deps.db, jobRowId);
  const guest = await deps.db.guest.findUnique({ where: { clusterId_vmid: { clusterId: row.clusterId, vmid: row.vmid } }, select: { node: true } });
  const owner = guest?.node ?? row.source;
  if (!owner) throw new UserError("The node that owns this guest is not known yet; wait for the next poll.");
  return withCluster(deps, row.clusterId, async (client) => {
    try {
      await scheduleReplicationNow(client, owner, row.jobId);
    } catch (error) {
      if (!isGuestMigrationLockTimeout(error)) throw error;
      throw new UserError(
        `A sync or migration of guest ${row.vmid} is running on ${owner}, and Proxmox takes "run now" only between runs ` +
          `(${(error as Error).message}). Nothing changed; ask again once it has ended.`,
      );
    }
    return { clusterId: row.clusterId, jobId: row.jobId, audit: { node: owner } };
  });
}

/** See DELETE_MODES; Proxmox removes the job itself within a minute unless `force`. */
export async function deleteJob(deps: JobActionDeps, jobRowId: string, mode: DeleteMode) {
  const row = await findJob(deps.db, jobRowId);
  return withCluster(deps, row.clusterId, async (client) => {
    await deleteReplicationJob(client, row.jobId, { keep: mode === "keep" || undefined, force: mode === "force" || undefined });
    return { clusterId: row.clusterId, jobId: row.jobId, audit: { mode, target: row.target } };
  });
}

/** The RPO is ours alone (Proxmox has no such setting); null returns to the schedule's default. */
export async function setJobRpo(db: PrismaClient, jobRowId: string, rpoSeconds: number | null) {
  const row = await findJob(db, jobRowId);
  await db.replicationJob.update({ where: { id: row.id }, data: { rpoSeconds } });
  return { clusterId: row.clusterId, jobId: row.jobId, audit: { before: { rpoSeconds: row.rpoSeconds }, after: { rpoSeconds } } };
}

export async function findJob(db: PrismaClient, jobRowId: string) {
  const row = await db.replicationJob.findUnique({ where: { id: jobRowId } });
  if (!row || row.goneAt) throw new UserError("This replication job no longer exists in Proxmox.");
  return row;
}

/** Runs `fn` with a client for the cluster and turns Proxmox's refusals into operator-facing errors. */
export async function withCluster<T>(deps: JobActionDeps, clusterId: string, fn: (client: ProxmoxClient, cluster: Cluster) => Promise<T>): Promise<T> {
  const cluster = await deps.db.cluster.findUnique({ where: { id: clusterId } });
  if (!cluster) throw new UserError("This cluster is no longer connected.");
  if (!cluster.enabled) throw new UserError(`Cluster ${cluster.name} is paused; resume it before changing its jobs.`);
  const client = deps.clientFor(cluster);
  try {
    return await fn(client, cluster);
  } catch (error) {
    throw describeProxmoxRefusal(error);
  } finally {
    client.close();
  }
}

/** Proxmox's own words for what it refused; a write whose answer was lost is said to be unknown. */
export function describeProxmoxRefusal(error: unknown): unknown {
  if (!(error instanceof PveError)) return error;
  if (error instanceof PveParameterError) {
    const fields = Object.entries(error.errors).map(([key, text]) => `${key}: ${text}`);
    return new UserError(`Proxmox refused: ${fields.length ? fields.join("; ") : error.message}`);
  }
  if (error instanceof PveBusinessError || error instanceof PvePermissionError) return new UserError(`Proxmox refused: ${error.message}`);
  const sent = (error instanceof PveUnreachableError || error instanceof PveTimeoutError) && error.requestSent;
  if (sent) return new UserError(`No answer from Proxmox after the request was sent (${error.message}); the next poll shows whether it took effect.`);
  return new UserError(`Proxmox could not be reached: ${error.message}`);
}
