import "server-only";
import { UserError } from "@/lib/auth/users";
import { buildClientForCluster } from "@/lib/clusters/connection";
import { describeProxmoxRefusal } from "@/lib/replication/job-actions";
import { getServerSecrets } from "@/lib/server-secrets";
import type { PrismaClient } from "@/prisma/generated/client";
import type { GatherDeps } from "./gather";

/**
 * The running app's wiring for a route that reads Proxmox live (preflight, starting an
 * operation): a pinned client for the cluster, closed when `fn` ends; Proxmox's refusals reach
 * the operator in its own words.
 */
export async function withFailoverClient<T>(db: PrismaClient, clusterId: string, fn: (deps: GatherDeps) => Promise<T>): Promise<T> {
  const cluster = await db.cluster.findUnique({ where: { id: clusterId } });
  if (!cluster) throw new UserError("This cluster is no longer connected.");
  const client = buildClientForCluster(cluster, { encryptionKey: getServerSecrets().encryptionKey });
  try {
    return await fn({ db, client, now: Date.now });
  } catch (error) {
    throw describeProxmoxRefusal(error);
  } finally {
    client.close();
  }
}
