import "server-only";
import { appClusterClients } from "@/lib/clusters/cluster-clients";
import { getDb } from "@/lib/db/app-db";
import type { PrismaClient } from "@/prisma/generated/client";
import type { JobActionDeps } from "./job-actions";

/**
 * The running app's wiring for job actions: the database and the cluster's shared client
 * (lib/clusters/cluster-clients.ts; the `close()` the actions call on it does nothing).
 */
export function appJobActionDeps(db: PrismaClient = getDb()): JobActionDeps {
  const clients = appClusterClients();
  return { db, clientFor: (cluster) => clients.clientFor(cluster) };
}
