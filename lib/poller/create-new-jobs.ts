import { randomBytes } from "node:crypto";
import type { RunEvent } from "@/lib/replication/runs";
import type { Prisma, PrismaClient } from "@/prisma/generated/client";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** A job seen for the first time, written with the others in a few multi-row INSERTs. */
export type NewJob = {
  data: Prisma.ReplicationJobUncheckedCreateInput;
  /** The job's first runs, from detectRunEvents(undefined, state). */
  events: RunEvent[];
  /** Sample rows already queued for insertion; their jobRowId is filled in once the row has an id. */
  samples: { jobRowId: string }[];
  /** Queued log fetch; its runId is filled in with the last finished run, or stays "" (none). */
  log: { runId: string };
};

/**
 * Inserts every new job and its first runs with multi-row INSERTs instead of one Prisma
 * `create` per row: the first cycle on a large cluster creates thousands, and Prisma's own
 * createMany spends seconds preparing a few thousand rows. The rows are what one `create` per
 * job and one `upsert` per run event wrote: a brand-new job has no runs, so each (job, start)
 * ends as its last event (a finished run's data, else "running"), and the run to fetch a log
 * for is the job's last finished one.
 */
export async function createNewJobs(tx: Tx, jobs: NewJob[]): Promise<void> {
  const firstSeenAt = new Date();
  const runs: Record<string, unknown>[] = [];
  for (const job of jobs) {
    const id = newId();
    job.data.id = id;
    for (const sample of job.samples) sample.jobRowId = id;
    const byStart = new Map<number, Record<string, unknown>>();
    let lastFinished: Record<string, unknown> | null = null;
    for (const event of job.events) {
      if (event.type === "run-started") {
        if (!byStart.has(event.start)) byStart.set(event.start, { id: newId(), jobRowId: id, startedAt: event.start, outcome: "running", kind: "unknown" });
        continue;
      }
      const run = { id: byStart.get(event.start)?.id ?? newId(), jobRowId: id, startedAt: event.start, endedAt: event.end, durationSeconds: event.durationSeconds, outcome: event.outcome, error: event.error, kind: event.syncKind };
      byStart.set(event.start, run);
      lastFinished = run;
    }
    runs.push(...byStart.values());
    if (lastFinished) job.log.runId = lastFinished.id as string;
  }
  await insertRows(tx, "ReplicationJob", jobs.map((j) => ({ firstSeenAt, ...j.data })));
  await insertRows(tx, "JobRun", runs);
}

/**
 * INSERT … VALUES (…), (…) for rows of one table. Rows are grouped by the columns they set, so a
 * column a row leaves out gets its SQL default, as with Prisma's create. Dates are written in the
 * driver adapter's format and booleans as 0/1, so Prisma reads the rows back unchanged.
 */
export async function insertRows(tx: Tx, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const row of rows) {
    const key = Object.keys(row).filter((k) => row[k] !== undefined).sort().join(",");
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  for (const [key, group] of groups) {
    const columns = key.split(",");
    // SQLite binds at most 32,766 values per statement.
    const perStatement = Math.max(1, Math.floor(30_000 / columns.length));
    for (let i = 0; i < group.length; i += perStatement) {
      const chunk = group.slice(i, i + perStatement);
      const placeholders = `(${columns.map(() => "?").join(", ")})`;
      const params = chunk.flatMap((row) => columns.map((c) => toSqlite(row[c])));
      await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${chunk.map(() => placeholders).join(", ")}`, ...params);
    }
  }
}

function toSqlite(value: unknown): unknown {
  if (value instanceof Date) return sqliteDate(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/** How @prisma/adapter-better-sqlite3 stores a DateTime (ISO 8601 with an explicit +00:00). */
export function sqliteDate(d: Date): string {
  return d.toISOString().replace("Z", "+00:00");
}

let counter = 0;
/** A collision-resistant id in the shape of Prisma's cuid(): "c", time, counter, randomness. */
export function newId(): string {
  counter = (counter + 1) % 36 ** 4;
  return `c${Date.now().toString(36)}${counter.toString(36).padStart(4, "0")}${randomBytes(6).toString("hex").slice(0, 12)}`.slice(0, 25);
}
