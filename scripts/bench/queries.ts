// Query times on a realistic database: 5,000 jobs written by a real poll cycle of the large
// scenario, and one job with a year of history (raw samples for 7 days, 5-min rollups for 35,
// hourly for the year, made by the poller's own selectSamplesToStore / rollupSamples /
// mergeRollups). Measures the lag chart at every range and the overview page through their
// public functions. `npm run bench -- queries`
import { insertRows } from "@/lib/poller/create-new-jobs";
import { runPollCycle } from "@/lib/poller/run-cycle";
import { LAG_RANGE_NAMES } from "@/lib/replication/lag-ranges";
import { getJobLagSeries } from "@/lib/replication/job-queries";
import { parseOverviewFilters } from "@/lib/replication/overview-filters";
import { getReplicationOverview } from "@/lib/replication/queries";
import { mergeRollups, RETENTION_POLICY, rollupSamples } from "@/lib/replication/retention";
import type { PrismaClient } from "@/prisma/generated/client";
import { createBenchDb, createClusterRow, guestsForJobs, startLargeCluster } from "./lib/cluster";
import { SCHEDULE_MIX, storedSamples } from "./lib/history";
import { report, runMain, type Figure } from "./lib/results";
import { sized } from "./lib/scale";
import { median, timeRuns } from "./lib/stats";

const DAY = 86_400;
const NODES = sized(30, 3);
const JOBS = sized(5000, 300);
const HISTORY_DAYS = sized(365, 40);
const RUNS = 9;

/** A year of one job's history as the poller would have left it, written in bulk. */
export async function seedYear(db: PrismaClient, jobRowId: string, now: number, days: number): Promise<{ raw: number; rollups: number }> {
  const pattern = SCHEDULE_MIX[1]!;
  const from = Math.floor((now - days * DAY) / 3600) * 3600;
  const samples = storedSamples(pattern, from, now);
  const rpo = pattern.periodSeconds * 2;
  const [fiveMin, hourly] = RETENTION_POLICY.rollups;
  const fine = rollupSamples(samples, fiveMin.bucketSeconds, rpo, { until: now });
  const coarse = mergeRollups(fine, hourly.bucketSeconds);
  const raw = samples.filter((s) => s.t >= now - RETENTION_POLICY.raw.maxAgeSeconds);
  const rollups = [...fine.filter((r) => r.bucketStart >= now - fiveMin.maxAgeSeconds), ...coarse];
  await insertRows(db, "LagSample", raw.map((s) => ({ jobRowId, at: s.t, lagSeconds: s.lag, status: "ok" })));
  await insertRows(
    db,
    "LagRollup",
    rollups.map((r) => ({
      jobRowId, bucketSeconds: r.bucketSeconds, bucketStart: r.bucketStart, minLag: r.minLag === null ? null : Math.round(r.minLag), maxLag: r.maxLag === null ? null : Math.round(r.maxLag),
      avgLag: r.avgLag, count: r.count, coveredSeconds: Math.round(r.coveredSeconds), overRpoSeconds: Math.round(r.overRpoSeconds),
    })),
  );
  return { raw: raw.length, rollups: rollups.length };
}

async function main() {
  const cluster = await startLargeCluster(NODES, guestsForJobs(JOBS));
  const { client } = cluster.client();
  const bench = createBenchDb();
  const { db } = bench;
  await createClusterRow(db, "large", cluster.sim.credentials.tokenId);
  const now = () => new Date(cluster.sim.now() * 1000);
  await runPollCycle("large", { db, client, now });
  cluster.sim.advance(15);
  await runPollCycle("large", { db, client, now });
  const jobCount = await db.replicationJob.count();
  const job = await db.replicationJob.findFirstOrThrow({ where: { schedule: "*/15" }, select: { id: true, jobId: true } });
  const seeded = await seedYear(db, job.id, cluster.sim.now(), HISTORY_DAYS);
  console.log(`${jobCount} jobs; job ${job.jobId}: ${seeded.raw} raw samples, ${seeded.rollups} rollups`);

  const figures: Figure[] = [];
  const at = now();
  for (const range of LAG_RANGE_NAMES) {
    let points = 0;
    const times = await timeRuns(RUNS, async () => {
      const series = await getJobLagSeries(db, job.id, range, { now: at });
      points = series?.points.length ?? 0;
    });
    figures.push({ name: `lag chart ${range} (one job)`, value: median(times), unit: "ms", how: `median of ${RUNS}`, target: 50, note: `${points} points` });
  }
  const cases: [string, string][] = [
    ["overview first page (severity)", ""],
    ["overview filter q=vm-12", "q=vm-12"],
    ["overview filter status=failing,late", "status=failing,late"],
    ["overview sort lag desc", "sort=lag&dir=desc"],
    ["overview sort guest asc, page 40", "sort=guest&dir=asc&page=40"],
  ];
  for (const [name, query] of cases) {
    let total = 0;
    const times = await timeRuns(RUNS, async () => {
      total = (await getReplicationOverview(db, parseOverviewFilters(new URLSearchParams(query)), { now: at })).total;
    });
    figures.push({ name: `${name}, ${jobCount} jobs`, value: median(times), unit: "ms", how: `median of ${RUNS}`, target: 50, note: `${total} match` });
  }
  // What bounded the overview before it moved to SQL: reading every live job.
  const readAll = await timeRuns(RUNS, () => db.replicationJob.findMany({ where: { goneAt: null } }));
  figures.push({ name: `bound: read all ${jobCount} job rows (Prisma findMany)`, value: median(readAll), unit: "ms", how: `median of ${RUNS}` });
  const readAllRaw = await timeRuns(RUNS, () => db.$queryRawUnsafe(`SELECT * FROM "ReplicationJob" WHERE "goneAt" IS NULL`));
  figures.push({ name: `bound: same rows, raw SQL`, value: median(readAllRaw), unit: "ms", how: `median of ${RUNS}` });
  // What bounds it now: one pass of SQLite over the live jobs. The overview makes a few (counts by
  // status, the sorted page, the guests' protection), each about this long.
  const onePass = await timeRuns(RUNS, () => db.$queryRawUnsafe(`SELECT "status", COUNT(*) FROM "ReplicationJob" WHERE "goneAt" IS NULL GROUP BY "status"`));
  figures.push({ name: `bound: one SQL pass over ${jobCount} jobs (COUNT … GROUP BY status)`, value: median(onePass), unit: "ms", how: `median of ${RUNS}` });
  report("queries", figures, { jobs: jobCount, historyDays: HISTORY_DAYS, seeded });
  client.close();
  await bench.close();
  await cluster.close();
}

runMain(main);
