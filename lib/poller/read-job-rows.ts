import type { PrismaClient, ReplicationJob as JobRow } from "@/prisma/generated/client";

type Tx = Pick<PrismaClient, "$queryRawUnsafe">;

const DATE_COLUMNS = new Set(["stateReadAt", "firstSeenAt", "lastSeenAt", "goneAt"]);
const BOOLEAN_COLUMNS = new Set(["disabled"]);

/**
 * Every job row of the cluster with its unprotected stretch, as Prisma would return them, in one
 * raw statement: the steady cycle reads all of them, and Prisma's findMany took about 3× as long
 * as the read itself for thousands of wide rows (npm run bench -- queries, "bound").
 */
export async function readJobRows(tx: Tx, clusterId: string): Promise<(JobRow & { unprotected: { since: number } | null })[]> {
  const rows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT j.*, u."since" AS "__unprotectedSince" FROM "ReplicationJob" j LEFT JOIN "JobUnprotected" u ON u."jobRowId" = j."id" WHERE j."clusterId" = ?`,
    clusterId,
  );
  return rows.map((raw) => {
    const row: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (key === "__unprotectedSince") continue;
      if (value === null || value === undefined) row[key] = null;
      else if (DATE_COLUMNS.has(key)) row[key] = value instanceof Date ? value : new Date(String(value));
      else if (BOOLEAN_COLUMNS.has(key)) row[key] = value === true || Number(value) === 1;
      else row[key] = typeof value === "bigint" ? Number(value) : value;
    }
    row.unprotected = raw.__unprotectedSince == null ? null : { since: Number(raw.__unprotectedSince) };
    return row as JobRow & { unprotected: { since: number } | null };
  });
}

