import { getClusterResources, getClusterStatus } from "@/lib/proxmox/cluster";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import {
  PveAuthError,
  PveBusinessError,
  PveCertificateMismatchError,
  PveError,
  PveNotImplementedError,
  PveParameterError,
  PvePermissionError,
  PveProtocolError,
  PveTimeoutError,
  PveUnreachableError,
} from "@/lib/proxmox/errors";
import { getNodeReplicationStatus, listReplicationJobs } from "@/lib/proxmox/replication";
import type { ClusterResource, ClusterStatusEntry, ReplicationJob, ReplicationJobStatus } from "@/lib/proxmox/schemas";

export type ReadFailure = { kind: string; message: string };

export type NodeReplicationRead =
  | { ok: true; jobs: ReplicationJobStatus[]; clusterTime: number }
  | { ok: false; failure: ReadFailure };

/** Everything one poll cycle learned about a cluster. Times are Unix seconds on the cluster clock. */
export type ClusterSnapshot = {
  /** The cluster's clock from the Date header of the first answer (our clock only as a fallback). */
  clusterTime: number;
  clusterTimeFromServer: boolean;
  status: ClusterStatusEntry[];
  resources: ClusterResource[];
  jobs: ReplicationJob[];
  /** One entry per node that /cluster/status reports; offline nodes are not asked. */
  nodeReplication: Map<string, NodeReplicationRead>;
  onlineNodes: string[];
  offlineNodes: string[];
};

/**
 * One read of a cluster: three cluster-wide requests, then /nodes/{node}/replication once per
 * online node with bounded concurrency. The request count grows with nodes, never with jobs.
 * A failure of a cluster-wide read fails the cycle (nothing is written from half a picture);
 * a failure of one node's read only makes that node's jobs stale.
 */
export async function readClusterSnapshot(
  client: ProxmoxClient,
  options: { concurrency?: number; nowSeconds: () => number; signal?: AbortSignal },
): Promise<ClusterSnapshot> {
  const call = { signal: options.signal };
  const [status, resources, jobs] = await Promise.all([
    getClusterStatus(client, call),
    getClusterResources(client, call),
    listReplicationJobs(client, call),
  ]);
  const serverTime = status.serverTime ?? resources.serverTime ?? jobs.serverTime;
  const clusterTime = serverTime ? Math.floor(serverTime.getTime() / 1000) : Math.floor(options.nowSeconds());
  const nodeEntries = status.data.filter((e) => e.type === "node");
  const onlineNodes = nodeEntries.filter((e) => e.online).map((e) => e.name);
  const offlineNodes = nodeEntries.filter((e) => !e.online).map((e) => e.name);

  const nodeReplication = new Map<string, NodeReplicationRead>();
  await mapWithConcurrency(onlineNodes, options.concurrency ?? 4, async (node) => {
    try {
      const result = await getNodeReplicationStatus(client, node, call);
      const time = result.serverTime ? Math.floor(result.serverTime.getTime() / 1000) : clusterTime;
      nodeReplication.set(node, { ok: true, jobs: result.data, clusterTime: time });
    } catch (error) {
      nodeReplication.set(node, { ok: false, failure: describeFailure(error) });
    }
  });
  for (const node of offlineNodes) nodeReplication.set(node, { ok: false, failure: { kind: "node-offline", message: `${node} is offline in /cluster/status` } });

  return { clusterTime, clusterTimeFromServer: Boolean(serverTime), status: status.data, resources: resources.data, jobs: jobs.data, nodeReplication, onlineNodes, offlineNodes };
}

/** A typed, log-safe summary of any error a read can throw. */
export function describeFailure(error: unknown): ReadFailure {
  if (error instanceof PveError) return { kind: errorKind(error), message: error.message };
  return { kind: "internal", message: error instanceof Error ? error.message : String(error) };
}

// instanceof, not constructor names: bundlers may rename classes.
const ERROR_KINDS: [new (...args: never[]) => PveError, string][] = [
  [PveCertificateMismatchError, "certificate"],
  [PveUnreachableError, "unreachable"],
  [PveTimeoutError, "timeout"],
  [PveAuthError, "auth"],
  [PvePermissionError, "permission"],
  [PveProtocolError, "protocol"],
  [PveParameterError, "parameter"],
  [PveBusinessError, "business"],
  [PveNotImplementedError, "not-implemented"],
];

function errorKind(error: PveError): string {
  return ERROR_KINDS.find(([type]) => error instanceof type)?.[1] ?? "error";
}

async function mapWithConcurrency<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  });
  await Promise.all(workers);
}
