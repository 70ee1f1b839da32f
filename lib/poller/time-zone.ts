import type { ProxmoxClient } from "@/lib/proxmox/client";
import { getNodeTime } from "@/lib/proxmox/nodes";
import { describeFailure, type ReadFailure } from "./read-cluster";

/**
 * The cluster's time zone changes about never (an admin runs `timedatectl set-timezone` on every
 * node), so one `GET /nodes/{node}/time` an hour is enough; forms, schedules and previews then
 * read the stored zone and keep working while the cluster is unreachable.
 */
export const TIME_ZONE_REFRESH_MS = 3600_000;

export type StoredTimeZone = { timeZone: string | null; timeZoneReadAt: Date | null };

export function timeZoneIsDue(stored: StoredTimeZone, now: Date): boolean {
  return stored.timeZone === null || stored.timeZoneReadAt === null || now.getTime() - stored.timeZoneReadAt.getTime() >= TIME_ZONE_REFRESH_MS;
}

/**
 * Reads the zone from the first online node (in name order, so the same node while it is up).
 * Nodes of one cluster share their zone in practice; Proxmox does not enforce it, and the
 * replication scheduler of each node uses its own, so the first node stands for the cluster.
 */
export async function readClusterTimeZone(
  client: ProxmoxClient,
  onlineNodes: readonly string[],
  signal?: AbortSignal,
): Promise<{ ok: true; timeZone: string } | { ok: false; failure: ReadFailure }> {
  const node = [...onlineNodes].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))[0];
  if (!node) return { ok: false, failure: { kind: "node-offline", message: "no node online to read the time zone from" } };
  try {
    return { ok: true, timeZone: (await getNodeTime(client, node, { signal })).data.timezone };
  } catch (error) {
    const failure = describeFailure(error);
    return { ok: false, failure: { ...failure, message: `${node}: the time zone could not be read (${failure.message})` } };
  }
}
