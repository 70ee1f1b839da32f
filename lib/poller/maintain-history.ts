import { effectiveRpo } from "@/lib/replication/effective-rpo";
import { mergeRollups, RETENTION_POLICY, rollupSamples, RUN_RETENTION, type LagRollup } from "@/lib/replication/retention";
import type { PrismaClient } from "@/prisma/generated/client";

const [FIVE_MIN, HOURLY] = RETENTION_POLICY.rollups;
/** How often (cluster clock) a cluster's history is rolled up and pruned. */
export const MAINTENANCE_INTERVAL_SECONDS = 600;

/**
 * Keeps the database bounded under RETENTION_POLICY: rolls complete 5-minute buckets up from raw
 * samples and complete hours up from 5-minute rollups, then deletes what each tier no longer
 * needs, and prunes runs and their logs under RUN_RETENTION. Rollups are written before anything is deleted, and each step only covers complete
 * buckets after the last one written, so running it again (or after a crash) changes nothing.
 */
export async function maintainHistory(db: PrismaClient, clusterId: string, clusterTime: number, timeZone: string | null = null): Promise<void> {
  const jobs = await db.replicationJob.findMany({ where: { clusterId }, select: { id: true, rpoSeconds: true, schedule: true } });
  for (const job of jobs) {
    const rpo = effectiveRpo(job, timeZone).seconds;
    await rollUpRaw(db, job.id, rpo, clusterTime);
    await rollUpHourly(db, job.id, clusterTime);
  }
  const ids = jobs.map((j) => j.id);
  await db.lagSample.deleteMany({ where: { jobRowId: { in: ids }, at: { lt: clusterTime - RETENTION_POLICY.raw.maxAgeSeconds } } });
  for (const tier of RETENTION_POLICY.rollups) {
    await db.lagRollup.deleteMany({ where: { jobRowId: { in: ids }, bucketSeconds: tier.bucketSeconds, bucketStart: { lt: clusterTime - tier.maxAgeSeconds } } });
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

async function rollUpRaw(db: PrismaClient, jobRowId: string, rpo: number, clusterTime: number) {
  const size = FIVE_MIN.bucketSeconds;
  const last = await db.lagRollup.findFirst({ where: { jobRowId, bucketSeconds: size }, orderBy: { bucketStart: "desc" } });
  const until = Math.floor(clusterTime / size) * size;
  const first = await db.lagSample.findFirst({ where: { jobRowId, ...(last ? { at: { gte: last.bucketStart + size } } : {}) }, orderBy: { at: "asc" } });
  if (!first) return;
  const from = last ? last.bucketStart + size : Math.floor(first.at / size) * size;
  if (from >= until) return;
  // The sample before `from` carries the lag into the first bucket.
  const before = await db.lagSample.findFirst({ where: { jobRowId, at: { lt: from } }, orderBy: { at: "desc" } });
  const inRange = await db.lagSample.findMany({ where: { jobRowId, at: { gte: from, lt: until } }, orderBy: { at: "asc" } });
  const samples = [...(before ? [before] : []), ...inRange].map((s) => ({ t: s.at, lag: s.lagSeconds }));
  const rollups = rollupSamples(samples, size, rpo, { until }).filter((r) => r.bucketStart >= from && r.bucketStart + size <= until);
  await writeRollups(db, jobRowId, rollups);
}

async function rollUpHourly(db: PrismaClient, jobRowId: string, clusterTime: number) {
  const size = HOURLY.bucketSeconds;
  const last = await db.lagRollup.findFirst({ where: { jobRowId, bucketSeconds: size }, orderBy: { bucketStart: "desc" } });
  const until = Math.floor(clusterTime / size) * size;
  const from = last ? last.bucketStart + size : 0;
  const fine = await db.lagRollup.findMany({ where: { jobRowId, bucketSeconds: FIVE_MIN.bucketSeconds, bucketStart: { gte: from, lt: until } }, orderBy: { bucketStart: "asc" } });
  const hourly = mergeRollups(fine.map(toDomain), size).filter((r) => r.bucketStart + size <= until);
  await writeRollups(db, jobRowId, hourly);
}

async function writeRollups(db: PrismaClient, jobRowId: string, rollups: LagRollup[]) {
  if (rollups.length === 0) return;
  await db.$transaction(
    rollups.map((r) =>
      db.lagRollup.upsert({
        where: { jobRowId_bucketSeconds_bucketStart: { jobRowId, bucketSeconds: r.bucketSeconds, bucketStart: r.bucketStart } },
        create: { jobRowId, ...toRow(r) },
        update: toRow(r),
      }),
    ),
  );
}

function toRow(r: LagRollup) {
  const round = (v: number | null) => (v === null ? null : Math.round(v));
  return {
    bucketSeconds: r.bucketSeconds, bucketStart: r.bucketStart, minLag: round(r.minLag), maxLag: round(r.maxLag), avgLag: r.avgLag,
    count: r.count, coveredSeconds: Math.round(r.coveredSeconds), overRpoSeconds: Math.round(r.overRpoSeconds),
  };
}

function toDomain(row: { bucketStart: number; bucketSeconds: number; minLag: number | null; maxLag: number | null; avgLag: number | null; count: number; coveredSeconds: number; overRpoSeconds: number }): LagRollup {
  return { ...row };
}
