import "server-only";
import { createDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import type { PrismaClient } from "@/prisma/generated/client";

// One client per server process; the globalThis slot survives dev-mode module reloads.
const globalForDb = globalThis as unknown as { pveStandbyDb?: PrismaClient };

export function getDb(): PrismaClient {
  globalForDb.pveStandbyDb ??= createDb(getEnv().databaseFile);
  return globalForDb.pveStandbyDb;
}
