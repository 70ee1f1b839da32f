import { z } from "zod";

import { PveBusinessError } from "./errors";
import type { ProxmoxClient } from "./client";
import { assertJobId, assertNodeName, assertVmid, pvePath } from "./params";
import type { PveResult } from "./response";
import {
  emptySchema,
  logLineSchema,
  replicationJobConfigSchema,
  replicationJobSchema,
  replicationJobStatusSchema,
} from "./schemas";
import type { LogLine, ReplicationJob, ReplicationJobConfig, ReplicationJobStatus } from "./schemas";

type CallOptions = { signal?: AbortSignal };

/** Settable job properties (ReplicationConfig.pm). `rate` is MB/s; `target` is fixed after creation. */
export type ReplicationJobInput = {
  schedule?: string;
  rate?: number;
  comment?: string;
  disable?: boolean;
  source?: string;
};

/** All jobs in replication.cfg, filtered by Proxmox to guests the caller has VM.Audit on. */
export function listReplicationJobs(client: ProxmoxClient, options: CallOptions = {}): Promise<PveResult<ReplicationJob[]>> {
  return client.call({ method: "GET", path: pvePath`/cluster/replication`, schema: z.array(replicationJobSchema), ...options });
}

export function getReplicationJob(client: ProxmoxClient, id: string, options: CallOptions = {}): Promise<PveResult<ReplicationJobConfig>> {
  return client.call({ method: "GET", path: pvePath`/cluster/replication/${assertJobId(id)}`, schema: replicationJobConfigSchema, ...options });
}

/** Creates a `local` job; the first run is a full sync at the next scheduler tick. Not idempotent. */
export async function createReplicationJob(
  client: ProxmoxClient,
  job: ReplicationJobInput & { id: string; target: string },
  options: CallOptions = {},
): Promise<void> {
  const params = { ...job, id: assertJobId(job.id), target: assertNodeName(job.target), type: "local" };
  await client.call({ method: "POST", path: pvePath`/cluster/replication`, params, schema: emptySchema, ...options });
}

/** `delete` unsets keys (e.g. `["rate"]`); `digest` makes the write fail if the config changed meanwhile. */
export async function updateReplicationJob(
  client: ProxmoxClient,
  id: string,
  changes: ReplicationJobInput & { delete?: string[]; digest?: string },
  options: CallOptions = {},
): Promise<void> {
  const path = pvePath`/cluster/replication/${assertJobId(id)}`;
  await client.call({ method: "PUT", path, params: changes, schema: emptySchema, ...options });
}

/**
 * Marks the job for removal (the owning node's scheduler removes it within a minute). `keep`
 * leaves the replicated data on the target; `force` drops the config entry without any cleanup.
 * Proxmox rejects both together ("conflicts with parameter 'force'").
 */
export async function deleteReplicationJob(
  client: ProxmoxClient,
  id: string,
  flags: { keep?: boolean; force?: boolean } = {},
  options: CallOptions = {},
): Promise<void> {
  const path = pvePath`/cluster/replication/${assertJobId(id)}`;
  await client.call({ method: "DELETE", path, params: { keep: flags.keep, force: flags.force }, schema: emptySchema, ...options });
}

/**
 * Status of the jobs whose guest lives on `node` (state is node-local, so ask every online node).
 * Times are on the node's clock; compare them with `serverTime`, not with our clock.
 */
export function getNodeReplicationStatus(
  client: ProxmoxClient,
  node: string,
  options: CallOptions & { guest?: number } = {},
): Promise<PveResult<ReplicationJobStatus[]>> {
  const { guest, ...rest } = options;
  return client.call({
    method: "GET",
    path: pvePath`/nodes/${assertNodeName(node)}/replication`,
    params: { guest: guest === undefined ? undefined : assertVmid(guest) },
    schema: z.array(replicationJobStatusSchema),
    ...rest,
  });
}

export function getReplicationJobStatus(
  client: ProxmoxClient,
  node: string,
  id: string,
  options: CallOptions = {},
): Promise<PveResult<ReplicationJobStatus>> {
  const path = pvePath`/nodes/${assertNodeName(node)}/replication/${assertJobId(id)}/status`;
  return client.call({ method: "GET", path, schema: replicationJobStatusSchema, ...options });
}

/** The last run's log (Proxmox keeps only that one). `limit: 0` reads to the end; `total` counts lines. */
export function getReplicationLog(
  client: ProxmoxClient,
  node: string,
  id: string,
  options: CallOptions & { start?: number; limit?: number } = {},
): Promise<PveResult<LogLine[]>> {
  const { start, limit, ...rest } = options;
  const path = pvePath`/nodes/${assertNodeName(node)}/replication/${assertJobId(id)}/log`;
  return client.call({ method: "GET", path, params: { start, limit }, schema: z.array(logLineSchema), ...rest });
}

/**
 * Whether Proxmox refused a call because a sync or migration of the guest holds its migration lock.
 * schedule_now takes that lock (pve-guest-common ReplicationState.pm schedule_job_now), and a
 * running sync holds it for its whole length (Replication.pm run_replication): after a 10 s wait
 * Proxmox answers "can't lock file '/var/lock/pve-manager/pve-migrate-<vmid>' - got timeout".
 */
export function isGuestMigrationLockTimeout(error: unknown): boolean {
  return error instanceof PveBusinessError && /^can't lock file '\/var\/lock\/pve-manager\/pve-migrate-\d+' - got timeout/.test(error.message);
}

/**
 * Makes the job due at the next scheduler tick; must go to the node that owns the guest. Refused
 * while a sync or migration of the guest runs (see isGuestMigrationLockTimeout).
 */
export async function scheduleReplicationNow(client: ProxmoxClient, node: string, id: string, options: CallOptions = {}): Promise<void> {
  const path = pvePath`/nodes/${assertNodeName(node)}/replication/${assertJobId(id)}/schedule_now`;
  await client.call({ method: "POST", path, schema: emptySchema, ...options });
}
