// History size under the retention policy (lib/replication/retention.ts), driven by a simulated
// clock: each simulated day inserts the samples the poller would have stored (a poll every 15 s,
// selectSamplesToStore) for a few jobs with the large scenario's schedule mix, then runs the
// poller's own rollup and prune (maintainHistory), with one run and its log per sync (pruned
// under RUN_RETENTION). Rows and bytes are read from the SQLite file
// (dbstat); the 2,000-job database size scales the per-job figure (every job's history is the
// same size: its own rows and its index entries). Then one maintenance run over a cluster of
// 2,000 jobs: the SQL statements it sends and its time (lib/maintenance-scale.ts).
// `npm run bench -- history`
import { maintainHistory } from "@/lib/poller/maintain-history";
import { insertRows, newId } from "@/lib/poller/create-new-jobs";
import { RETENTION_POLICY, RUN_RETENTION } from "@/lib/replication/retention";
import { createSimulator } from "@/lib/simulator/simulator";
import type { PrismaClient } from "@/prisma/generated/client";
import { createBenchDb, createClusterRow, databaseBytes } from "./lib/cluster";
import { SCHEDULE_MIX, storedSamples } from "./lib/history";
import { measureMaintenanceAtScale } from "./lib/maintenance-scale";
import { report, runMain, type Figure } from "./lib/results";
import { sized } from "./lib/scale";

const DAY = 86_400;
// Day 36 on, raw (7 d) and 5-min (35 d) tiers are full: each further day only adds 24 hourly
// rows, so the year is day 40 plus 325 days of hourly rows at the measured bytes per rollup row.
const DAYS = sized(40, 10);
const CHECKPOINTS = sized([30, 40], [7, 10]);
const YEAR = 365;
const JOBS_FOR = 2000;
/** Jobs of the cluster whose one maintenance run is counted (statements) and timed. */
const MAINTAINED_JOBS = sized(2000, 200);
const HISTORY_TABLES = ["LagSample", "LagRollup", "JobRun"];

type TableSize = { rows: number; bytes: number };

async function tableSizes(db: PrismaClient): Promise<Record<string, TableSize>> {
  const sizes: Record<string, TableSize> = {};
  for (const table of HISTORY_TABLES) {
    const [{ rows }] = await db.$queryRawUnsafe<[{ rows: bigint }]>(`SELECT COUNT(*) AS rows FROM "${table}"`);
    // The table's pages and its indexes' pages (dbstat: one row per B-tree).
    const [{ bytes }] = await db.$queryRawUnsafe<[{ bytes: bigint | null }]>(
      `SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name = ? OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?)`,
      table,
      table,
    );
    sizes[table] = { rows: Number(rows), bytes: Number(bytes ?? 0) };
  }
  return sizes;
}

async function main() {
  const bench = createBenchDb();
  const { db } = bench;
  await createClusterRow(db, "history");
  const start = Math.floor(Date.now() / 1000 / DAY) * DAY - DAYS * DAY;
  const jobs = await Promise.all(
    sized(SCHEDULE_MIX.slice(1, 2), SCHEDULE_MIX.slice(1, 2)).map((pattern, i) =>
      db.replicationJob.create({
        data: { clusterId: "history", jobId: `${100 + i}-0`, vmid: 100 + i, jobnum: 0, target: "pve2", schedule: `*/${pattern.periodSeconds / 60}`, status: "ok" },
        select: { id: true },
      }).then((row) => ({ ...row, pattern, state: {} })),
    ),
  );
  const figures: Figure[] = [];
  const checkpoints: Record<string, unknown>[] = [];
  // Runs with their logs as the poller stores them: one per period, a typical log each, and one
  // failed run a day; maintainHistory prunes them under RUN_RETENTION.
  const logBytes = await typicalLogBytes();
  const log = "x".repeat(logBytes);
  const t0 = performance.now();
  for (let day = 1; day <= DAYS; day++) {
    const from = start + (day - 1) * DAY;
    for (const job of jobs) {
      const samples = storedSamples(job.pattern, from, from + DAY, job.state);
      await db.lagSample.createMany({ data: samples.map((s) => ({ jobRowId: job.id, at: s.t, lagSeconds: s.lag, status: "ok" })) });
      const { periodSeconds, syncSeconds } = job.pattern;
      await insertRows(
        db,
        "JobRun",
        Array.from({ length: DAY / periodSeconds }, (_, i) => {
          const startedAt = from + i * periodSeconds;
          const failed = i === 0;
          return { id: newId(), jobRowId: job.id, startedAt, endedAt: startedAt + syncSeconds, durationSeconds: syncSeconds, outcome: failed ? "failed" : "ok", kind: "incremental", error: failed ? "command 'zfs send' failed: exit code 1" : null, log };
        }),
      );
    }
    // The poller runs this every 10 simulated minutes; each run covers every complete bucket
    // since the last, so once a day writes the same rollups while raw samples are kept 7 days.
    await maintainHistory(db, "history", from + DAY);
    if (!CHECKPOINTS.includes(day)) continue;
    await db.$executeRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
    const sizes = await tableSizes(db);
    const rows = Object.values(sizes).reduce((s, t) => s + t.rows, 0);
    const bytes = Object.values(sizes).reduce((s, t) => s + t.bytes, 0);
    const perJob = { rows: rows / jobs.length, bytes: bytes / jobs.length };
    const tiers = await db.lagRollup.groupBy({ by: ["bucketSeconds"], _count: true });
    console.log(`day ${day}: ${rows} rows, ${(bytes / 1024 / 1024).toFixed(1)} MiB for ${jobs.length} jobs (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    figures.push(
      { name: `history rows per job after ${day} days`, value: perJob.rows, unit: "rows", note: `raw ${(sizes.LagSample!.rows / jobs.length).toFixed(0)}, rollups ${tiers.map((t) => `${t.bucketSeconds} s: ${(t._count / jobs.length).toFixed(0)}`).join(", ")}` },
      { name: `history bytes per job after ${day} days`, value: perJob.bytes / 1024, unit: "KiB", how: "tables + indexes (dbstat)" },
      { name: `history of ${JOBS_FOR} jobs after ${day} days`, value: (perJob.bytes * JOBS_FOR) / 1024 / 1024, unit: "MiB", how: `per-job bytes × ${JOBS_FOR}` },
    );
    checkpoints.push({ day, sizes, perJob, tiers, fileBytes: databaseBytes(bench.file) });
  }
  const last = checkpoints.at(-1) as { sizes: Record<string, TableSize>; perJob: { bytes: number } };
  const rollupRowBytes = last.sizes.LagRollup!.bytes / last.sizes.LagRollup!.rows;
  const yearBytes = last.perJob.bytes + (YEAR - DAYS) * 24 * rollupRowBytes;
  figures.push(
    { name: `history bytes per job after ${YEAR} days`, value: yearBytes / 1024, unit: "KiB", how: `day ${DAYS} + ${YEAR - DAYS} days × 24 hourly rows × ${rollupRowBytes.toFixed(0)} B` },
    { name: `history of ${JOBS_FOR} jobs after ${YEAR} days`, value: (yearBytes * JOBS_FOR) / 1024 / 1024, unit: "MiB", how: `per-job bytes × ${JOBS_FOR}` },
    { name: "bytes per raw sample row (table + 2 indexes)", value: last.sizes.LagSample!.bytes / last.sizes.LagSample!.rows, unit: "B" },
    { name: "bytes per rollup row (table + unique index)", value: rollupRowBytes, unit: "B" },
  );
  // Steady state per day: what one more day adds before pruning catches up, per tier.
  const raw = storedSamples(SCHEDULE_MIX[1]!, start, start + DAY);
  figures.push(
    { name: "raw samples stored per job per day (*/15)", value: raw.length, unit: "rows", note: `kept ${RETENTION_POLICY.raw.maxAgeSeconds / DAY} days; 5-min rollups 288/day kept 35 days; hourly 24/day kept 2 years` },
    { name: "raw samples stored per job per day (mix avg)", value: SCHEDULE_MIX.reduce((s, p) => s + storedSamples(p, start, start + DAY).length, 0) / SCHEDULE_MIX.length, unit: "rows" },
  );
  // Runs under RUN_RETENTION: measured at the last checkpoint (OK runs are at their steady
  // state after 7 days); a year adds only failed runs' rows (kept 2 years) and, up to
  // 90 days, their logs.
  const runsPerDay = DAY / SCHEDULE_MIX[1]!.periodSeconds;
  const runs = last.sizes.JobRun!;
  const logsKept = await db.jobRun.count({ where: { log: { not: null } } });
  // A run row without its log: the table's bytes less the logs it still holds.
  const runRowBytes = (runs.bytes - logsKept * logBytes) / runs.rows;
  const failedLogDays = Math.max(0, RUN_RETENTION.failed.logMaxAgeSeconds / DAY - DAYS);
  const runsYear = runs.bytes / jobs.length + (YEAR - DAYS) * runRowBytes + failedLogDays * logBytes;
  const unpruned = runsPerDay * 365 * (logBytes + 150);
  figures.push(
    { name: "run log bytes, typical incremental run (simulator)", value: logBytes, unit: "B", how: "median over the jobs of a 3-node large scenario" },
    { name: `runs + logs per job after ${DAYS} days (*/15)`, value: runs.bytes / jobs.length / 1024, unit: "KiB", how: "measured (dbstat), RUN_RETENTION", note: `${(runs.rows / jobs.length).toFixed(0)} runs kept, ${(logsKept / jobs.length).toFixed(0)} with their log` },
    {
      name: "runs + logs per job after a year (*/15)",
      value: runsYear / 1024 / 1024,
      unit: "MiB",
      how: `day ${DAYS} + ${YEAR - DAYS} failed runs × ${runRowBytes.toFixed(0)} B + ${failedLogDays} failed logs; estimate`,
      note: `× ${JOBS_FOR} jobs = ${((runsYear * JOBS_FOR) / 1024 ** 3).toFixed(2)} GiB; unpruned it was ${(unpruned / 1024 / 1024).toFixed(1)} MiB per job (${((unpruned * JOBS_FOR) / 1024 ** 3).toFixed(0)} GiB)`,
    },
  );
  await bench.close();
  const scale = await measureMaintenanceAtScale(MAINTAINED_JOBS);
  figures.push(
    { name: `history maintenance, one run for ${scale.jobs} jobs: SQL statements`, value: scale.statements, unit: "statements", how: "counted at the Prisma client (query events), one 10-min run that also closes an hour", note: `${(scale.statements / scale.jobs).toFixed(3)} per job; the per-job version sent about 10 per job (2,009 for 200 jobs: 4 reads and the upserts)` },
    { name: `history maintenance, one run for ${scale.jobs} jobs: time`, value: scale.ms, unit: "ms", how: "one run", note: `${scale.samples} new samples, ${scale.rollupsWritten} rollups written` },
  );
  report("history", figures, { days: DAYS, jobs: jobs.length, checkpoints, simulatedSeconds: (performance.now() - t0) / 1000, maintenanceAtScale: scale });
}

/** The median size of the last run's log, as GET /nodes/{node}/replication/{id}/log returns it, after a simulated day. */
async function typicalLogBytes(): Promise<number> {
  const sim = createSimulator({ scenario: "large", nodes: 3, guests: 60, seed: 1, startTime: Math.floor(Date.now() / 1000) - DAY, speed: 0, authFailureDelayMs: 0 });
  sim.advance(DAY);
  const headers = { authorization: `PVEAPIToken=${sim.credentials.tokenId}=${sim.credentials.tokenSecret}` };
  const sizes: number[] = [];
  for (const node of sim.nodeNames) {
    const list = await sim.handle(node, { method: "GET", url: `/api2/json/nodes/${node}/replication`, headers });
    for (const job of (JSON.parse(list.body) as { data: { id: string; last_sync?: number }[] }).data.filter((j) => j.last_sync)) {
      const log = await sim.handle(node, { method: "GET", url: `/api2/json/nodes/${node}/replication/${job.id}/log?limit=0`, headers });
      sizes.push((JSON.parse(log.body) as { data: { t: string }[] }).data.map((l) => l.t).join("\n").length);
    }
  }
  sizes.sort((a, b) => a - b);
  return sizes[Math.floor(sizes.length / 2)] ?? 0;
}

runMain(main);
