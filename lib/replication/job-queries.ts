import "server-only";
import type { PrismaClient } from "@/prisma/generated/client";
import { effectiveRpo } from "./effective-rpo";
import { toJobView } from "./job-rows";
import { clusterNowSeconds } from "./job-view";
import { LAG_RANGES, type LagRangeName as LagRange } from "./lag-ranges";
import { computeRpoCompliance, downsampleLagSeries, summarizeCompliance } from "./lag-series";
import type { RpoCompliance } from "./lag-series";
import { RETENTION_POLICY, computeRpoComplianceFromRollups } from "./retention";
import type { LagRollup } from "./retention";
import { computeThroughput, parseSentBytes } from "./throughput";
import type { LagPoint, LagSample } from "./types";

/** Enough for a sharp sawtooth on a wide screen; downsampling keeps every peak. */
const CHART_POINTS = 1_200;
const MAX_FAILURE_MARKS = 500;

/** One job with its recent runs; throughput is derived from each run's stored log. */
export async function getJobDetail(db: PrismaClient, jobRowId: string, options: { now?: Date; runs?: number } = {}) {
  const job = await db.replicationJob.findUnique({ where: { id: jobRowId }, include: { cluster: { select: { name: true, clockSkewMs: true, timeZone: true } } } });
  if (!job) return null;
  const [guest, target, runs, runCount] = await Promise.all([
    db.guest.findUnique({ where: { clusterId_vmid: { clusterId: job.clusterId, vmid: job.vmid } }, select: { name: true, type: true, node: true } }),
    db.clusterNode.findUnique({ where: { clusterId_name: { clusterId: job.clusterId, name: job.target } }, select: { online: true } }),
    db.jobRun.findMany({ where: { jobRowId }, orderBy: { startedAt: "desc" }, take: options.runs ?? 100 }),
    db.jobRun.count({ where: { jobRowId } }),
  ]);
  const { cluster, ...row } = job;
  return {
    job: {
      ...toJobView(row, {
        clusterName: cluster.name,
        guest: guest ?? undefined,
        clusterNow: clusterNowSeconds(options.now ?? new Date(), cluster.clockSkewMs),
        targetOnline: target?.online ?? null,
        timeZone: cluster.timeZone,
      }),
      firstSeenAt: row.firstSeenAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      goneAt: row.goneAt?.toISOString() ?? null,
    },
    runCount,
    runs: runs.map(({ log, logFetchedAt: _fetched, jobRowId: _job, ...run }) => {
      const bytes = parseSentBytes(log);
      return { ...run, hasLog: Boolean(log), sentBytes: bytes, bytesPerSecond: run.outcome === "ok" ? computeThroughput(bytes, run.durationSeconds) : null };
    }),
  };
}
export type JobDetail = NonNullable<Awaited<ReturnType<typeof getJobDetail>>>;

/** The stored log of one run (the only copy: Proxmox overwrites its log file on the next run). */
export async function getRunLog(db: PrismaClient, jobRowId: string, runId: string) {
  return db.jobRun.findFirst({ where: { id: runId, jobRowId }, select: { id: true, startedAt: true, outcome: true, log: true } });
}

/**
 * Lag over a range ending at the cluster's now, for the chart: the coarsest rollups that still
 * give the chart its resolution (hourly past a month, 5-minute past a day; both keep min and max,
 * so peaks survive), then finer rollups and raw samples only for the stretch after the last
 * rollup written (the last few minutes); raw samples alone up to a day. So a chart reads at most
 * a few thousand narrow rows whatever its range. Failed runs show as marks, and the RPO
 * compliance is time-weighted over the range.
 */
export async function getJobLagSeries(db: PrismaClient, jobRowId: string, range: LagRange, options: { now?: Date } = {}) {
  const job = await db.replicationJob.findUnique({
    where: { id: jobRowId },
    select: { rpoSeconds: true, schedule: true, cluster: { select: { clockSkewMs: true, timeZone: true } } },
  });
  if (!job) return null;
  const to = clusterNowSeconds(options.now ?? new Date(), job.cluster.clockSkewMs);
  const from = to - LAG_RANGES[range];
  const rpoSeconds = effectiveRpo(job, job.cluster.timeZone).seconds;

  // Each finer tier fills only what the coarser ones leave uncovered, before and after them.
  const rollups: LagRollup[] = [];
  let covered = null as { from: number; to: number } | null;
  for (const bucketSeconds of chartTiers(range)) {
    const tier: LagRollup[] = covered
      ? [...(await readRollups(db, jobRowId, bucketSeconds, from - bucketSeconds, covered.from, LAG_RANGES[range])), ...(await readRollups(db, jobRowId, bucketSeconds, covered.to, to, LAG_RANGES[range]))]
      : await readRollups(db, jobRowId, bucketSeconds, from - bucketSeconds, to, LAG_RANGES[range]);
    rollups.push(...tier);
    const first = tier[0];
    const last = tier.at(-1);
    if (first && last) covered = { from: Math.min(covered?.from ?? Infinity, first.bucketStart), to: Math.max(covered?.to ?? -Infinity, last.bucketStart + last.bucketSeconds) };
  }
  rollups.sort((a, b) => a.bucketStart - b.bucketStart);
  const rawFrom = covered?.to ?? from;
  // The sample just before the raw stretch carries the lag into its first seconds.
  const [rows, before] = await Promise.all([
    db.$queryRawUnsafe<{ at: number; lagSeconds: number | null }[]>(
      `SELECT "at", "lagSeconds" FROM "LagSample" WHERE "jobRowId" = ? AND "at" >= ? AND "at" <= ? ORDER BY "at" ASC`, jobRowId, rawFrom, to,
    ),
    db.$queryRawUnsafe<{ at: number; lagSeconds: number | null }[]>(
      `SELECT "at", "lagSeconds" FROM "LagSample" WHERE "jobRowId" = ? AND "at" < ? ORDER BY "at" DESC LIMIT 1`, jobRowId, rawFrom,
    ),
  ]);
  const samples: LagSample[] = [...before, ...rows].map((r) => ({ t: Number(r.at), lag: r.lagSeconds === null ? null : Number(r.lagSeconds) }));

  const rawCompliance = computeRpoCompliance(samples, rpoSeconds, { from: rawFrom, to });
  const rollupCompliance = computeRpoComplianceFromRollups(rollups, { from, to: rawFrom });
  const compliance: RpoCompliance = rollups.length
    ? summarizeCompliance(rawCompliance.withinSeconds + rollupCompliance.withinSeconds, rawCompliance.overSeconds + rollupCompliance.overSeconds, to - from)
    : rawCompliance;

  const points: LagPoint[] = [...rollups.flatMap(rollupPoints), ...samples.slice(before.length).flatMap((s) => (s.lag === null ? [] : [{ t: s.t, lag: s.lag }]))];
  const failures = await db.jobRun.findMany({
    where: { jobRowId, outcome: "failed", startedAt: { gte: from, lte: to } },
    orderBy: { startedAt: "asc" },
    take: MAX_FAILURE_MARKS,
    select: { startedAt: true, error: true },
  });
  return {
    range,
    from,
    to,
    rpoSeconds,
    source: rollups.length ? (rows.length ? "mixed" : "rollups") : "raw",
    points: downsampleLagSeries(points, CHART_POINTS),
    failures: failures.map((f) => ({ t: f.startedAt, error: f.error })),
    compliance,
  };
}
export type JobLagSeries = NonNullable<Awaited<ReturnType<typeof getJobLagSeries>>>;

/**
 * The rollup tiers a range reads, coarsest first: every tier that gives at least half the
 * chart's points over the range (each rollup draws two, its min and max). Up to a day none
 * does, and the chart is raw samples only.
 */
export function chartTiers(range: LagRange): number[] {
  return RETENTION_POLICY.rollups
    .map((tier) => tier.bucketSeconds)
    .filter((bucketSeconds) => LAG_RANGES[range] / bucketSeconds >= CHART_POINTS / 2)
    .sort((a, b) => b - a);
}

/**
 * One tier's rollups starting in [from, until), in order. Where the range holds more of them than
 * the chart draws (a year of hourly rollups: 8,760), SQLite merges runs of `factor` consecutive
 * ones first (min of mins, max of maxes, sums of seconds: what mergeRollups does), so the chart
 * reads a few hundred rows; the one bucket cut by the range's start stays alone, so compliance
 * still counts only its share. (Bound numbers can arrive as REAL: the CAST keeps the division whole.)
 */
async function readRollups(db: PrismaClient, jobRowId: string, bucketSeconds: number, from: number, until: number, rangeSeconds: number): Promise<LagRollup[]> {
  const factor = Math.max(1, Math.floor(rangeSeconds / (CHART_POINTS / 2) / bucketSeconds));
  const span = factor * bucketSeconds;
  const base = Math.ceil(from / bucketSeconds) * bucketSeconds;
  const rows = await db.$queryRawUnsafe<Record<string, number | bigint | null>[]>(
    `SELECT CASE WHEN "bucketStart" < ? THEN "bucketStart" ELSE ? + CAST(("bucketStart" - ?) / ? AS INTEGER) * ? END AS g,
       MIN("bucketStart") AS "bucketStart", MAX("bucketStart") + ? - MIN("bucketStart") AS "bucketSeconds",
       MIN("minLag") AS "minLag", MAX("maxLag") AS "maxLag", SUM("avgLag" * "count") AS "lagSum", SUM("count") AS "count",
       SUM("coveredSeconds") AS "coveredSeconds", SUM("overRpoSeconds") AS "overRpoSeconds"
     FROM "LagRollup" WHERE "jobRowId" = ? AND "bucketSeconds" = ? AND "bucketStart" >= ? AND "bucketStart" < ?
     GROUP BY g ORDER BY g ASC`,
    base, base, base, span, span, bucketSeconds, jobRowId, bucketSeconds, from, until,
  );
  const num = (v: number | bigint | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => {
    const count = Number(r.count);
    const lagSum = num(r.lagSum);
    return {
      bucketStart: Number(r.bucketStart), bucketSeconds: Number(r.bucketSeconds), minLag: num(r.minLag), maxLag: num(r.maxLag),
      avgLag: count > 0 && lagSum !== null ? lagSum / count : null, count, coveredSeconds: Number(r.coveredSeconds), overRpoSeconds: Number(r.overRpoSeconds),
    };
  });
}

function rollupPoints(r: LagRollup): LagPoint[] {
  const out: LagPoint[] = [];
  if (r.maxLag !== null) out.push({ t: r.bucketStart, lag: r.maxLag });
  if (r.minLag !== null && r.minLag !== r.maxLag) out.push({ t: r.bucketStart + r.bucketSeconds / 2, lag: r.minLag });
  return out;
}
