import { effectiveRpo } from "@/lib/replication/effective-rpo";
import { mergeRollups, RETENTION_POLICY, rollupSamples, RUN_RETENTION, type LagRollup } from "@/lib/replication/retention";
import type { PrismaClient } from "@/prisma/generated/client";

const [FIVE_MIN, HOURLY] = RETENTION_POLICY.rollups;
/** How often (cluster clock) a cluster's history is rolled up and pruned. */
export const MAINTENANCE_INTERVAL_SECONDS = 600;

/**
 * Jobs read and rolled up per batch: a handful of statements per batch instead of about four
 * queries per job, with a bounded number of samples in memory at once (a 10-minute interval is
 * about a dozen stored samples per job).
 */
const JOBS_PER_BATCH = 500;
/** Rollup rows per INSERT … ON CONFLICT (9 values each, well under SQLite's 32,766). */
const ROWS_PER_WRITE = 500;
const FAR_PAST = Number.MIN_SAFE_INTEGER;

type JobToMaintain = { id: string; rpo: number; last5: number | null; lastHour: number | null };

/**
 * Keeps the database bounded under RETENTION_POLICY: rolls complete 5-minute buckets up from raw
 * samples and complete hours up from 5-minute rollups, then deletes what each tier no longer
 * needs, and prunes runs and their logs under RUN_RETENTION. Rollups are written before anything
 * is deleted, and each step only covers complete buckets after the last one written, so running
 * it again (or after a crash) changes nothing. Set-based: every job of the cluster in a few
 * statements per JOBS_PER_BATCH jobs; the rollups themselves are computed by retention.ts.
 */
export async function maintainHistory(db: PrismaClient, clusterId: string, clusterTime: number, timeZone: string | null = null): Promise<void> {
  const rows = await db.$queryRawUnsafe<{ id: string; rpoSeconds: unknown; schedule: string | null; last5: unknown; lastHour: unknown }[]>(
    `SELECT j."id", j."rpoSeconds", j."schedule",
       (SELECT MAX(r."bucketStart") FROM "LagRollup" r WHERE r."jobRowId" = j."id" AND r."bucketSeconds" = ?) AS last5,
       (SELECT MAX(r."bucketStart") FROM "LagRollup" r WHERE r."jobRowId" = j."id" AND r."bucketSeconds" = ?) AS lastHour
     FROM "ReplicationJob" j WHERE j."clusterId" = ?`,
    FIVE_MIN.bucketSeconds,
    HOURLY.bucketSeconds,
    clusterId,
  );
  const jobs: JobToMaintain[] = rows.map((r) => ({
    id: String(r.id),
    rpo: effectiveRpo({ rpoSeconds: nullableNumber(r.rpoSeconds), schedule: r.schedule }, timeZone).seconds,
    last5: nullableNumber(r.last5),
    lastHour: nullableNumber(r.lastHour),
  }));
  for (let i = 0; i < jobs.length; i += JOBS_PER_BATCH) {
    const batch = jobs.slice(i, i + JOBS_PER_BATCH);
    await rollUpRaw(db, batch, clusterTime);
    await rollUpHourly(db, batch, clusterTime);
  }
  const ofCluster = `"jobRowId" IN (SELECT "id" FROM "ReplicationJob" WHERE "clusterId" = ?)`;
  await db.$executeRawUnsafe(`DELETE FROM "LagSample" WHERE ${ofCluster} AND "at" < ?`, clusterId, clusterTime - RETENTION_POLICY.raw.maxAgeSeconds);
  for (const tier of RETENTION_POLICY.rollups) {
    await db.$executeRawUnsafe(`DELETE FROM "LagRollup" WHERE ${ofCluster} AND "bucketSeconds" = ? AND "bucketStart" < ?`, clusterId, tier.bucketSeconds, clusterTime - tier.maxAgeSeconds);
  }
  await pruneRuns(db, clusterId, clusterTime);
  await db.cluster.update({ where: { id: clusterId }, data: { historyMaintainedAt: clusterTime } });
}

/**
 * Applies RUN_RETENTION to the cluster's runs by their end (cluster clock): logs first, then rows.
 * "ok" runs follow the OK policy; every other ended outcome (failed, unknown) the failed one.
 */
async function pruneRuns(db: PrismaClient, clusterId: string, clusterTime: number) {
  const ofCluster = `"jobRowId" IN (SELECT "id" FROM "ReplicationJob" WHERE "clusterId" = ?)`;
  for (const [outcome, policy] of [["= 'ok'", RUN_RETENTION.ok], ["<> 'ok'", RUN_RETENTION.failed]] as const) {
    const ended = `"endedAt" IS NOT NULL AND "outcome" <> 'running' AND "outcome" ${outcome}`;
    await db.$executeRawUnsafe(`UPDATE "JobRun" SET "log" = NULL WHERE ${ofCluster} AND ${ended} AND "log" IS NOT NULL AND "endedAt" < ?`, clusterId, clusterTime - policy.logMaxAgeSeconds);
    await db.$executeRawUnsafe(`DELETE FROM "JobRun" WHERE ${ofCluster} AND ${ended} AND "endedAt" < ?`, clusterId, clusterTime - policy.rowMaxAgeSeconds);
  }
}

/**
 * Complete 5-minute buckets after each job's last one, from its raw samples. A job without a
 * 5-minute rollup starts at the bucket of its first sample; the sample before the first bucket
 * carries the lag into it.
 */
async function rollUpRaw(db: PrismaClient, jobs: JobToMaintain[], clusterTime: number) {
  const size = FIVE_MIN.bucketSeconds;
  const until = Math.floor(clusterTime / size) * size;
  const firsts = await perJob<{ id: string; first: unknown }>(
    db,
    jobs.map((j) => [j.id, j.last5 === null ? FAR_PAST : j.last5 + size]),
    `SELECT w.c0 AS id, (SELECT MIN(s."at") FROM "LagSample" s WHERE s."jobRowId" = w.c0 AND s."at" >= w.c1) AS first FROM w`,
  );
  const firstById = new Map(firsts.map((r) => [String(r.id), nullableNumber(r.first)]));
  const due = jobs.flatMap((job) => {
    const first = firstById.get(job.id);
    if (first === null || first === undefined) return [];
    const from = job.last5 !== null ? job.last5 + size : Math.floor(first / size) * size;
    return from < until ? [{ job, from }] : [];
  });
  if (due.length === 0) return;
  const windows = due.map((d): [string, number] => [d.job.id, d.from]);
  const before = await perJob<{ id: string; at: unknown; lag: unknown }>(
    db,
    windows,
    `SELECT w.c0 AS id, s."at" AS at, s."lagSeconds" AS lag FROM w CROSS JOIN "LagSample" s ON s."id" =
       (SELECT b."id" FROM "LagSample" b WHERE b."jobRowId" = w.c0 AND b."at" < w.c1 ORDER BY b."at" DESC LIMIT 1)`,
  );
  const inRange = await perJob<{ id: string; at: unknown; lag: unknown }>(
    db,
    windows,
    `SELECT w.c0 AS id, s."at" AS at, s."lagSeconds" AS lag FROM w CROSS JOIN "LagSample" s ON s."jobRowId" = w.c0 AND s."at" >= w.c1 AND s."at" < ?
     ORDER BY s."jobRowId", s."at"`,
    until,
  );
  // Per job: the sample before its window first, then the window's samples in order.
  const samples = groupById([...before, ...inRange], (r) => ({ t: Number(r.at), lag: nullableNumber(r.lag) }));
  const rollups = due.flatMap(({ job, from }) =>
    rollupSamples(samples.get(job.id) ?? [], size, job.rpo, { until })
      .filter((r) => r.bucketStart >= from && r.bucketStart + size <= until)
      .map((r) => ({ jobRowId: job.id, ...r })),
  );
  await writeRollups(db, rollups);
}

/** Complete hours after each job's last hourly rollup, merged from its 5-minute rollups. */
async function rollUpHourly(db: PrismaClient, jobs: JobToMaintain[], clusterTime: number) {
  const size = HOURLY.bucketSeconds;
  const until = Math.floor(clusterTime / size) * size;
  const due = jobs.flatMap((job) => {
    const from = job.lastHour !== null ? job.lastHour + size : 0;
    return from < until ? [{ job, from }] : [];
  });
  if (due.length === 0) return;
  const fine = await perJob<RollupRow & { id: string }>(
    db,
    due.map((d): [string, number] => [d.job.id, d.from]),
    `SELECT w.c0 AS id, r."bucketStart", r."bucketSeconds", r."minLag", r."maxLag", r."avgLag", r."count", r."coveredSeconds", r."overRpoSeconds"
     FROM w CROSS JOIN "LagRollup" r ON r."jobRowId" = w.c0 AND r."bucketSeconds" = ${FIVE_MIN.bucketSeconds} AND r."bucketStart" >= w.c1 AND r."bucketStart" < ?
     ORDER BY r."jobRowId", r."bucketStart"`,
    until,
  );
  const byJob = groupById(fine, toDomain);
  const hourly = due.flatMap(({ job }) =>
    mergeRollups(byJob.get(job.id) ?? [], size)
      .filter((r) => r.bucketStart + size <= until)
      .map((r) => ({ jobRowId: job.id, ...r })),
  );
  await writeRollups(db, hourly);
}

/**
 * Runs `select` with the pairs as `WITH w(c0, c1) AS (VALUES …)`, then `params`: one statement per
 * batch of jobs. The selects join w with CROSS JOIN, which makes SQLite loop over the jobs and
 * seek each one's rows through the (jobRowId, …) index; a plain JOIN let it scan the whole sample
 * table once per job instead.
 */
function perJob<T>(db: PrismaClient, pairs: [string, number][], select: string, ...params: unknown[]): Promise<T[]> {
  if (pairs.length === 0) return Promise.resolve([]);
  return db.$queryRawUnsafe<T[]>(`WITH w(c0, c1) AS (VALUES ${pairs.map(() => "(?, ?)").join(", ")}) ${select}`, ...pairs.flat(), ...params);
}

function groupById<R extends { id: unknown }, T>(rows: R[], map: (row: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const id = String(row.id);
    const list = out.get(id);
    if (list) list.push(map(row));
    else out.set(id, [map(row)]);
  }
  return out;
}

/** Upserts rollups in batches: a rerun over the same buckets rewrites the same values. */
async function writeRollups(db: PrismaClient, rollups: (LagRollup & { jobRowId: string })[]) {
  const columns = ["jobRowId", "bucketSeconds", "bucketStart", "minLag", "maxLag", "avgLag", "count", "coveredSeconds", "overRpoSeconds"] as const;
  const updated = columns.slice(3).map((c) => `"${c}" = excluded."${c}"`).join(", ");
  const statements = [];
  for (let i = 0; i < rollups.length; i += ROWS_PER_WRITE) {
    const chunk = rollups.slice(i, i + ROWS_PER_WRITE).map(toRow);
    statements.push(
      db.$executeRawUnsafe(
        `INSERT INTO "LagRollup" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${chunk.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ")}
         ON CONFLICT ("jobRowId", "bucketSeconds", "bucketStart") DO UPDATE SET ${updated}`,
        ...chunk.flatMap((row) => columns.map((c) => row[c])),
      ),
    );
  }
  if (statements.length) await db.$transaction(statements);
}

function toRow(r: LagRollup & { jobRowId: string }) {
  const round = (v: number | null) => (v === null ? null : Math.round(v));
  return {
    jobRowId: r.jobRowId, bucketSeconds: r.bucketSeconds, bucketStart: r.bucketStart, minLag: round(r.minLag), maxLag: round(r.maxLag), avgLag: r.avgLag,
    count: r.count, coveredSeconds: Math.round(r.coveredSeconds), overRpoSeconds: Math.round(r.overRpoSeconds),
  };
}

type RollupRow = { bucketStart: unknown; bucketSeconds: unknown; minLag: unknown; maxLag: unknown; avgLag: unknown; count: unknown; coveredSeconds: unknown; overRpoSeconds: unknown };

function toDomain(row: RollupRow): LagRollup {
  return {
    bucketStart: Number(row.bucketStart), bucketSeconds: Number(row.bucketSeconds), minLag: nullableNumber(row.minLag), maxLag: nullableNumber(row.maxLag),
    avgLag: nullableNumber(row.avgLag), count: Number(row.count), coveredSeconds: Number(row.coveredSeconds), overRpoSeconds: Number(row.overRpoSeconds),
  };
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
