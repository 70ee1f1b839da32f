import { z } from "zod";

import type { ProxmoxClient } from "./client";
import { pvePath } from "./params";
import type { PveResult } from "./response";
import { clusterResourceSchema, clusterStatusEntrySchema, versionSchema } from "./schemas";
import type { ClusterResource, ClusterStatusEntry, PveVersion } from "./schemas";

type CallOptions = { signal?: AbortSignal };

export function getVersion(client: ProxmoxClient, options: CallOptions = {}): Promise<PveResult<PveVersion>> {
  return client.call({ method: "GET", path: pvePath`/version`, schema: versionSchema, ...options });
}

/** Members, their `online` flag and the cluster's `quorate` (needs Sys.Audit on /). */
export function getClusterStatus(client: ProxmoxClient, options: CallOptions = {}): Promise<PveResult<ClusterStatusEntry[]>> {
  return client.call({ method: "GET", path: pvePath`/cluster/status`, schema: z.array(clusterStatusEntrySchema), ...options });
}

/**
 * Guests (with their current `node`), nodes and storages. Guest entries of a dead node keep their
 * last status for up to ~5 min (pmxcfs RRD staleness): judge node health from getClusterStatus.
 */
export function getClusterResources(
  client: ProxmoxClient,
  options: CallOptions & { type?: "vm" | "storage" | "node" | "sdn" } = {},
): Promise<PveResult<ClusterResource[]>> {
  const { type, ...rest } = options;
  return client.call({
    method: "GET",
    path: pvePath`/cluster/resources`,
    params: { type },
    schema: z.array(clusterResourceSchema),
    ...rest,
  });
}

/** Quorum from `/cluster/status`; a standalone node (no `cluster` entry) counts as quorate. */
export function readQuorum(entries: ClusterStatusEntry[]): { clustered: boolean; quorate: boolean; name?: string } {
  const cluster = entries.find((e) => e.type === "cluster");
  if (!cluster) return { clustered: false, quorate: true };
  return { clustered: true, quorate: cluster.quorate === true, name: cluster.name };
}
