// History maintenance at scale: the statements one maintainHistory run sends for a cluster of
// many jobs, and its time. Each job carries two simulated hours of lag samples at the poller's
// real density (a */15 job of the large scenario's mix); a first run rolls them up, then ten
// more minutes of samples arrive and the measured run does what the poller does every
// MAINTENANCE_INTERVAL_SECONDS, including the hourly step (the run closes an hour).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { applyMigrations } from "@/lib/db/migrate";
import { maintainHistory, MAINTENANCE_INTERVAL_SECONDS } from "@/lib/poller/maintain-history";
import { PrismaClient } from "@/prisma/generated/client";
import { createClusterRow } from "./cluster";
import { SCHEDULE_MIX, storedSamples } from "./history";

const ROOT = path.resolve(__dirname, "../../..");
const HOUR = 3600;

/** A migrated SQLite file whose client counts every SQL statement it sends. */
function countingDb(): { db: PrismaClient; statements: () => number; close(): Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-bench-maint-"));
  const file = path.join(dir, "bench.db");
  applyMigrations(file, path.join(ROOT, "prisma", "migrations"));
  const db = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file }), log: [{ emit: "event", level: "query" }] });
  let count = 0;
  db.$on("query", () => count++);
  return {
    db,
    statements: () => count,
    async close() {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type MaintenanceAtScale = { jobs: number; statements: number; ms: number; samples: number; rollupsWritten: number };

export async function measureMaintenanceAtScale(jobs: number, maintain: typeof maintainHistory = maintainHistory): Promise<MaintenanceAtScale> {
  const bench = countingDb();
  const { db } = bench;
  try {
    for (const pragma of ["PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"]) await db.$queryRawUnsafe(pragma);
    await createClusterRow(db, "scale");
    const ids = Array.from({ length: jobs }, (_, i) => `scale-job-${i}`);
    await db.replicationJob.createMany({ data: ids.map((id, i) => ({ id, clusterId: "scale", jobId: `${1000 + i}-0`, vmid: 1000 + i, jobnum: 0, target: "pve2", schedule: "*/15", status: "ok" })) });
    const measuredAt = Math.floor(Date.now() / 1000 / HOUR) * HOUR;
    const warmAt = measuredAt - MAINTENANCE_INTERVAL_SECONDS;
    const pattern = SCHEDULE_MIX[1]!;
    const state = ids.map(() => ({}));
    const seed = async (from: number, to: number) => {
      const rows = ids.flatMap((id, i) => storedSamples(pattern, from, to, state[i]).map((s) => [id, s.t, s.lag, "ok"]));
      // Plain batched INSERTs: insertRows groups rows by copying its lists, too slow for 250,000 rows.
      for (let i = 0; i < rows.length; i += 5_000) {
        const chunk = rows.slice(i, i + 5_000);
        await db.$executeRawUnsafe(`INSERT INTO "LagSample" ("jobRowId", "at", "lagSeconds", "status") VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")}`, ...chunk.flat());
      }
      return rows.length;
    };
    await seed(measuredAt - 2 * HOUR, warmAt);
    await maintain(db, "scale", warmAt);
    const samples = await seed(warmAt, measuredAt);
    const rollupsBefore = await db.lagRollup.count();
    const before = bench.statements();
    const t = performance.now();
    await maintain(db, "scale", measuredAt);
    const ms = performance.now() - t;
    const statements = bench.statements() - before;
    return { jobs, statements, ms, samples, rollupsWritten: (await db.lagRollup.count()) - rollupsBefore };
  } finally {
    await bench.close();
  }
}
