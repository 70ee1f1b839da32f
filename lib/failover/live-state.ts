import type { ProxmoxClient } from "@/lib/proxmox/client";
import { getClusterResources, getClusterStatus, readQuorum } from "@/lib/proxmox/cluster";
import { listHaResources } from "@/lib/proxmox/ha";
import { listReplicationJobs } from "@/lib/proxmox/replication";
import type { ClusterResource, HaResource, ReplicationJob } from "@/lib/proxmox/schemas";

/**
 * What the cluster says right now, read before every decision of the engine: members and
 * quorum, where each guest is, storages, replication jobs and HA resources. Four cluster-wide
 * calls, whatever the number of guests.
 */
export type LiveCluster = {
  /** Cluster clock, Unix seconds (the answering node's Date header). */
  now: number;
  quorate: boolean;
  nodes: Map<string, boolean>;
  guests: ClusterResource[];
  storages: ClusterResource[];
  jobs: ReplicationJob[];
  ha: HaResource[];
};

export async function readLiveCluster(client: ProxmoxClient, fallbackNow: () => number): Promise<LiveCluster> {
  const [status, resources, jobs, ha] = await Promise.all([
    getClusterStatus(client),
    getClusterResources(client),
    listReplicationJobs(client),
    listHaResources(client),
  ]);
  const nodes = new Map<string, boolean>();
  for (const entry of status.data) if (entry.type === "node") nodes.set(entry.name, entry.online === true);
  const serverTime = status.serverTime ?? resources.serverTime;
  return {
    now: serverTime ? Math.floor(serverTime.getTime() / 1000) : Math.floor(fallbackNow() / 1000),
    quorate: readQuorum(status.data).quorate,
    nodes,
    guests: resources.data.filter((r) => r.type === "qemu" || r.type === "lxc"),
    storages: resources.data.filter((r) => r.type === "storage"),
    jobs: jobs.data,
    ha: ha.data,
  };
}

/** Every entry Proxmox lists for this VMID: exactly one while the cluster is sane. */
export function guestEntries(live: LiveCluster, vmid: number): ClusterResource[] {
  return live.guests.filter((g) => g.vmid === vmid);
}

export function jobsOfGuest(live: LiveCluster, vmid: number): ReplicationJob[] {
  return live.jobs.filter((j) => j.guest === vmid).sort((a, b) => a.jobnum - b.jobnum);
}

/** HA resource ids are `vm:<id>` / `ct:<id>`; a bare VMID is accepted by Proxmox as vm/ct by type. */
export function haResourceOf(live: LiveCluster, vmid: number): HaResource | undefined {
  return live.ha.find((r) => r.sid === `vm:${vmid}` || r.sid === `ct:${vmid}` || r.sid === String(vmid));
}

export function isOnline(live: LiveCluster, node: string): boolean {
  return live.nodes.get(node) === true;
}
