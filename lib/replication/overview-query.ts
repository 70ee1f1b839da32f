import "server-only";
import type { PrismaClient } from "@/prisma/generated/client";
import type { JobRowRecord } from "./job-rows";
import { OVERVIEW_PAGE_SIZE, STATUS_SEVERITY, type OverviewFilters, type OverviewSort } from "./overview-filters";
import { foldSearchCase, OVERVIEW_SEARCH_FIELDS, type OverviewSearchField } from "./overview-search";
import { JOB_STATUSES } from "./status";
import { parseJobStatus, type StatusCounts } from "./status-display";

// The overview's filtering, counting, sorting and paging in SQL, so a page of 50 costs the same
// at 5,000 jobs as at 50: nothing reads or derives every job. It works on what the poller stored
// from each job's view (JobStatus.overRpoAt and lateAt, which do not move with the clock) and on
// each cluster's clock now, so a job that turned late since the last poll is counted, filtered
// and sorted as late, exactly as its view shows it (queries.test.ts checks every job).

/** A cluster as the query sees it: its clock now, and its rank in the two name orders the overview uses. */
export type ClusterClock = { id: string; now: number; nameRank: number; lowerNameRank: number };

const q = (name: string) => `'${name.replace(/'/g, "''")}'`;

/** The job's status at its cluster's clock: the stored one, "late" once an ok job's lateAt has passed, "stale" for anything unknown (parseJobStatus). */
const STATUS_NOW = `CASE
  WHEN j."status" NOT IN (${JOB_STATUSES.map(q).join(", ")}) THEN 'stale'
  WHEN j."status" = 'ok' AND j."lateAt" IS NOT NULL AND cn.now > j."lateAt" THEN 'late'
  ELSE j."status" END`;

const SEVERITY_NOW = `CASE (${STATUS_NOW}) ${JOB_STATUSES.map((s) => `WHEN ${q(s)} THEN ${STATUS_SEVERITY[s]}`).join(" ")} END`;

/** Seconds past the RPO (lag − RPO) on the cluster's clock; far below any real value when unknown, as a lag ratio of −1 was. */
const PAST_RPO = `COALESCE(cn.now - j."overRpoAt", -9007199254740991)`;

/**
 * Sort keys, larger = earlier when descending. Lag against RPO sorts by how far past its RPO a
 * job is (lag − RPO): unlike lag ÷ RPO, the order of two jobs of one cluster never changes
 * between polls, so it can be kept in a column and indexed.
 */
const SORT_KEYS: Record<OverviewSort, string[]> = {
  // "Most urgent first" when descending: severity rank ascending, then furthest past its RPO.
  severity: [`-(${SEVERITY_NOW})`, PAST_RPO],
  lag: [PAST_RPO],
  guest: [`j."vmid"`],
  cluster: [`cn.lowerNameRank`],
  lastSync: [`COALESCE(j."lastSync", 0)`],
  nextSync: [`COALESCE(j."nextSync", 9007199254740991)`],
  failCount: [`j."failCount"`],
  duration: [`COALESCE(j."duration", -1)`],
};

/** Cluster name (as String.localeCompare orders it), then job id numerically: vmid, job number. */
const TIE_BREAK = `cn.nameRank ASC, j."vmid" ASC, j."jobnum" ASC`;

type Where = { sql: string; params: unknown[] };

function clusterValues(clusters: ClusterClock[]): Where {
  return {
    sql: `WITH cn(id, now, nameRank, lowerNameRank) AS (VALUES ${clusters.map(() => "(?, ?, ?, ?)").join(", ")})`,
    params: clusters.flatMap((c) => [c.id, c.now, c.nameRank, c.lowerNameRank]),
  };
}

/** Where each field of the search rule lives in SQL (job j, its live guest g, its cluster c). */
const SEARCH_COLUMNS: Record<OverviewSearchField, string> = {
  vmid: `CAST(j."vmid" AS TEXT)`,
  guestName: `g."name"`,
  jobId: `j."jobId"`,
  clusterName: `c."name"`,
  source: `j."source"`,
  target: `j."target"`,
  comment: `j."comment"`,
};

/** Live jobs of the filtered clusters matching the search, as `FROM … WHERE …` (without the status filter). */
function jobsMatching(filters: Pick<OverviewFilters, "cluster" | "q">): Where {
  const conditions = [`j."goneAt" IS NULL`];
  const params: unknown[] = [];
  if (filters.cluster) {
    conditions.push(`j."clusterId" = ?`);
    params.push(filters.cluster);
  }
  let join = "";
  if (filters.q) {
    // The search rule of overview-search.ts (its fields, folded as lower() folds), which the browser's pre-filter shares.
    join = `LEFT JOIN "Guest" g ON g."clusterId" = j."clusterId" AND g."vmid" = j."vmid" AND g."goneAt" IS NULL JOIN "Cluster" c ON c."id" = j."clusterId"`;
    const fields = OVERVIEW_SEARCH_FIELDS.map((field) => SEARCH_COLUMNS[field]);
    conditions.push(`(${fields.map((f) => `instr(lower(COALESCE(${f}, '')), ?) > 0`).join(" OR ")})`);
    params.push(...fields.map(() => foldSearchCase(filters.q)));
  }
  return { sql: `FROM "ReplicationJob" j JOIN cn ON cn.id = j."clusterId" ${join} WHERE ${conditions.join(" AND ")}`, params };
}

async function countByStatusNow(db: PrismaClient, clusters: Where, from: Where): Promise<StatusCounts> {
  const rows = await db.$queryRawUnsafe<{ status: string; n: number | bigint }[]>(
    `${clusters.sql} SELECT ${STATUS_NOW} AS status, COUNT(*) AS n ${from.sql} GROUP BY 1`,
    ...clusters.params,
    ...from.params,
  );
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const row of rows) counts[parseJobStatus(row.status)] += Number(row.n);
  return counts;
}

export type OverviewSlice = {
  /** Every live job by status at its cluster's clock (the headline cards). */
  allCounts: StatusCounts;
  /** After the cluster filter and the search, before the status filter (the chips). */
  statusCounts: StatusCounts;
  total: number;
  page: number;
  pageCount: number;
  /** Row ids of the page, in order. */
  pageIds: string[];
  /** The live, active job furthest past its RPO. */
  worstId: string | null;
  protectedGuests: number;
  candidateGuests: number;
};

/** One page of the overview and its counts, as a handful of SQL statements whatever the number of jobs. */
export async function queryOverviewSlice(db: PrismaClient, clusters: ClusterClock[], filters: OverviewFilters): Promise<OverviewSlice> {
  const guests = await db.$queryRawUnsafe<{ candidates: number | bigint; protected: number | bigint | null }[]>(
    `SELECT COUNT(*) AS candidates, SUM(EXISTS (
       SELECT 1 FROM "ReplicationJob" j WHERE j."clusterId" = g."clusterId" AND j."vmid" = g."vmid" AND j."goneAt" IS NULL AND j."disabled" = 0 AND j."removeJob" IS NULL
     )) AS protected
     FROM "Guest" g WHERE g."goneAt" IS NULL AND g."template" = 0`,
  );
  const candidateGuests = Number(guests[0]?.candidates ?? 0);
  const protectedGuests = Number(guests[0]?.protected ?? 0);
  const empty = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as StatusCounts;
  if (clusters.length === 0) {
    return { allCounts: empty, statusCounts: empty, total: 0, page: 1, pageCount: 1, pageIds: [], worstId: null, protectedGuests, candidateGuests };
  }
  const cte = clusterValues(clusters);
  const matching = jobsMatching(filters);
  const statusCounts = await countByStatusNow(db, cte, matching);
  const allCounts = filters.cluster || filters.q ? await countByStatusNow(db, cte, jobsMatching({ q: "" })) : statusCounts;
  const total = filters.status.length ? filters.status.reduce((sum, s) => sum + statusCounts[s], 0) : Object.values(statusCounts).reduce((a, b) => a + b, 0);
  const pageCount = Math.max(1, Math.ceil(total / OVERVIEW_PAGE_SIZE));
  const page = Math.min(filters.page, pageCount);

  const statusFilter = filters.status.length ? ` AND (${STATUS_NOW}) IN (${filters.status.map(() => "?").join(", ")})` : "";
  const direction = filters.dir === "asc" ? "ASC" : "DESC";
  const order = [...SORT_KEYS[filters.sort].map((key) => `${key} ${direction}`), TIE_BREAK].join(", ");
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `${cte.sql} SELECT j."id" AS id ${matching.sql}${statusFilter} ORDER BY ${order} LIMIT ? OFFSET ?`,
    ...cte.params,
    ...matching.params,
    ...filters.status,
    OVERVIEW_PAGE_SIZE,
    (page - 1) * OVERVIEW_PAGE_SIZE,
  );
  const worst = await db.$queryRawUnsafe<{ id: string }[]>(
    `${cte.sql} SELECT j."id" AS id FROM "ReplicationJob" j JOIN cn ON cn.id = j."clusterId"
     WHERE j."goneAt" IS NULL AND j."disabled" = 0 AND j."removeJob" IS NULL AND j."overRpoAt" IS NOT NULL
     ORDER BY ${PAST_RPO} DESC, ${TIE_BREAK} LIMIT 1`,
    ...cte.params,
  );
  return { allCounts, statusCounts, total, page, pageCount, pageIds: rows.map((r) => r.id), worstId: worst[0]?.id ?? null, protectedGuests, candidateGuests };
}

/** The clusters' clocks now and their name ranks, as `queryOverviewSlice` takes them. */
export function clusterClocks(clusters: { id: string; name: string; now: number }[]): ClusterClock[] {
  const byName = [...clusters].sort((a, b) => a.name.localeCompare(b.name));
  const byLower = [...clusters].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
  return clusters.map((c) => ({ id: c.id, now: c.now, nameRank: byName.indexOf(c), lowerNameRank: byLower.indexOf(c) }));
}

export type JobRowWithGuest = JobRowRecord & { guest: { name: string | null; type: string; node: string; status: string } | undefined };

/**
 * The rows `toJobView` derives the page from (JOB_ROW_SELECT's columns, the guest, the
 * unprotected stretch), in one statement: through Prisma the same 50 rows and their guests took
 * two queries and most of the overview's time.
 */
export async function readJobRows(db: PrismaClient, ids: string[]): Promise<JobRowWithGuest[]> {
  if (ids.length === 0) return [];
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT j."id", j."clusterId", j."jobId", j."vmid", j."jobnum", j."source", j."target", j."schedule", j."disabled", j."removeJob",
       j."lastSync", j."lastTry", j."nextSync", j."duration", j."failCount", j."error", j."pid", j."stateClusterTime", j."polledAt",
       j."status", j."statusMessage", j."rpoSeconds", j."rate", j."comment", j."stateReadAt",
       u."since" AS "unprotectedSince", g."name" AS "guestName", g."type" AS "guestType", g."node" AS "guestNode", g."status" AS "guestStatus"
     FROM "ReplicationJob" j
     LEFT JOIN "JobUnprotected" u ON u."jobRowId" = j."id"
     LEFT JOIN "Guest" g ON g."clusterId" = j."clusterId" AND g."vmid" = j."vmid" AND g."goneAt" IS NULL
     WHERE j."id" IN (${ids.map(() => "?").join(", ")})`,
    ...ids,
  );
  return rows.map((r) => ({
    id: String(r.id), clusterId: String(r.clusterId), jobId: String(r.jobId), vmid: Number(r.vmid), jobnum: Number(r.jobnum),
    source: str(r.source), target: String(r.target), schedule: String(r.schedule), disabled: Boolean(Number(r.disabled)), removeJob: str(r.removeJob),
    lastSync: num(r.lastSync), lastTry: num(r.lastTry), nextSync: num(r.nextSync), duration: num(r.duration), failCount: Number(r.failCount),
    error: str(r.error), pid: num(r.pid), stateClusterTime: num(r.stateClusterTime), polledAt: num(r.polledAt), status: String(r.status),
    statusMessage: str(r.statusMessage), rpoSeconds: num(r.rpoSeconds), rate: num(r.rate), comment: str(r.comment),
    stateReadAt: r.stateReadAt instanceof Date ? r.stateReadAt : r.stateReadAt == null ? null : new Date(String(r.stateReadAt)),
    unprotected: r.unprotectedSince == null ? null : { since: Number(r.unprotectedSince) },
    guest: r.guestType == null ? undefined : { name: str(r.guestName), type: String(r.guestType), node: String(r.guestNode), status: String(r.guestStatus) },
  }));
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
