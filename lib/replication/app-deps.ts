import "server-only";
import { getServerSecrets } from "@/lib/server-secrets";
import { buildClientForCluster } from "@/lib/clusters/connection";
import { getDb } from "@/lib/db/app-db";
import type { PrismaClient } from "@/prisma/generated/client";
import type { JobActionDeps } from "./job-actions";

/** The running app's wiring for job actions: the database and a pinned client per cluster. */
export function appJobActionDeps(db: PrismaClient = getDb()): JobActionDeps {
  return { db, clientFor: (cluster) => buildClientForCluster(cluster, { encryptionKey: getServerSecrets().encryptionKey }) };
}
