import "server-only";
import { appClusterClients } from "@/lib/clusters/cluster-clients";
import { describeProxmoxRefusal } from "@/lib/replication/job-actions";
import type { PrismaClient } from "@/prisma/generated/client";
import type { GatherDeps } from "./gather";

/**
 * The running app's wiring for a route that reads Proxmox live (preflight, starting an
 * operation): the cluster's shared client (refused when the cluster is unknown, paused or
 * removed); Proxmox's refusals reach the operator in its own words.
 */
export async function withFailoverClient<T>(db: PrismaClient, clusterId: string, fn: (deps: GatherDeps) => Promise<T>): Promise<T> {
  const client = await appClusterClients().clientForCluster(clusterId);
  try {
    return await fn({ db, client, now: Date.now });
  } catch (error) {
    throw describeProxmoxRefusal(error);
  }
}
