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
 * Lag over a range ending at the cluster's now, for the chart: raw samples where they are kept
 * (RETENTION_POLICY.raw), rollups before that (both their min and max, so peaks survive), failed
 * runs as marks, and the time-weighted RPO compliance over the range.
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

  // The sample just before the range carries the lag into its first seconds.
  const [rows, before] = await Promise.all([
    db.lagSample.findMany({ where: { jobRowId, at: { gte: from, lte: to } }, orderBy: { at: "asc" }, select: { at: true, lagSeconds: true } }),
    db.lagSample.findFirst({ where: { jobRowId, at: { lt: from } }, orderBy: { at: "desc" }, select: { at: true, lagSeconds: true } }),
  ]);
  const samples: LagSample[] = [...(before ? [before] : []), ...rows].map((r) => ({ t: r.at, lag: r.lagSeconds }));
  const rawFrom = rows[0]?.at ?? to;
  const rollups = rawFrom - from > RETENTION_POLICY.raw.minSpacingSeconds * 5 ? await readRollups(db, jobRowId, range, from, rawFrom) : [];

  const rawCompliance = computeRpoCompliance(samples, rpoSeconds, { from: rollups.length ? rawFrom : from, to });
  const rollupCompliance = computeRpoComplianceFromRollups(rollups, { from, to: rawFrom });
  const compliance: RpoCompliance = rollups.length
    ? summarizeCompliance(rawCompliance.withinSeconds + rollupCompliance.withinSeconds, rawCompliance.overSeconds + rollupCompliance.overSeconds, to - from)
    : rawCompliance;

  const points: LagPoint[] = [...rollups.flatMap(rollupPoints), ...rows.flatMap((r) => (r.lagSeconds === null ? [] : [{ t: r.at, lag: r.lagSeconds }]))];
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

/** 5-minute rollups up to a month, hourly beyond (RETENTION_POLICY). */
async function readRollups(db: PrismaClient, jobRowId: string, range: LagRange, from: number, until: number): Promise<LagRollup[]> {
  const bucketSeconds = LAG_RANGES[range] > (RETENTION_POLICY.rollups[0]?.maxAgeSeconds ?? 0) ? 3600 : 300;
  const rows = await db.lagRollup.findMany({
    where: { jobRowId, bucketSeconds, bucketStart: { gte: from - bucketSeconds, lt: until } },
    orderBy: { bucketStart: "asc" },
  });
  return rows.map(({ bucketStart, bucketSeconds, minLag, maxLag, avgLag, count, coveredSeconds, overRpoSeconds }) => ({
    bucketStart, bucketSeconds, minLag, maxLag, avgLag, count, coveredSeconds, overRpoSeconds,
  }));
}

function rollupPoints(r: LagRollup): LagPoint[] {
  const out: LagPoint[] = [];
  if (r.maxLag !== null) out.push({ t: r.bucketStart, lag: r.maxLag });
  if (r.minLag !== null && r.minLag !== r.maxLag) out.push({ t: r.bucketStart + r.bucketSeconds / 2, lag: r.minLag });
  return out;
}
