import { afterEach, beforeEach, expect, it } from "vitest";
import { RETENTION_POLICY } from "@/lib/replication/retention";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { maintainHistory } from "./maintain-history";
import { createClusterRow } from "@/lib/testing/cluster-row";

let db: PrismaClient;
let cleanup: () => Promise<void>;
const T0 = 1_790_000_000 - (1_790_000_000 % 3600);
const DAY = 86_400;

beforeEach(async () => {
  ({ db, cleanup } = createTestDb());
  await createClusterRow(db, "c", "a@pve!b");
  await db.replicationJob.create({ data: { id: "j", clusterId: "c", jobId: "100-0", vmid: 100, jobnum: 0, target: "pve2", schedule: "*/15", status: "ok", rpoSeconds: 1800 } });
});
afterEach(() => cleanup());

// A 15-minute sawtooth sampled every minute: lag climbs to 900 s, then a sync brings it to 60 s.
async function seedSawtooth(fromDay: number, days: number) {
  const rows = [];
  for (let t = T0 + fromDay * DAY; t < T0 + (fromDay + days) * DAY; t += 60) rows.push({ jobRowId: "j", at: t, lagSeconds: 60 + ((t - T0) % 900), status: "ok" });
  await db.lagSample.createMany({ data: rows });
}

it("rolls raw samples up before pruning them, so peaks and compliance survive", async () => {
  await seedSawtooth(0, 9);
  const now = T0 + 9 * DAY;
  await maintainHistory(db, "c", now);
  expect(await db.lagSample.count({ where: { at: { lt: now - RETENTION_POLICY.raw.maxAgeSeconds } } })).toBe(0);
  const oldest5m = await db.lagRollup.findFirstOrThrow({ where: { bucketSeconds: 300 }, orderBy: { bucketStart: "asc" } });
  expect(oldest5m.bucketStart).toBe(T0);
  const hourly = await db.lagRollup.findMany({ where: { bucketSeconds: 3600 } });
  expect(hourly).toHaveLength(9 * 24);
  expect(Math.max(...hourly.map((h) => h.maxLag ?? 0))).toBe(900);
  expect(hourly.every((h) => h.overRpoSeconds === 0)).toBe(true);
  expect(hourly.every((h) => h.coveredSeconds === 3600)).toBe(true);
});

it("changes nothing when run twice, and keeps the database bounded over months", async () => {
  await seedSawtooth(0, 2);
  await maintainHistory(db, "c", T0 + 2 * DAY);
  const rollups = await db.lagRollup.count();
  await maintainHistory(db, "c", T0 + 2 * DAY);
  expect(await db.lagRollup.count()).toBe(rollups);

  await maintainHistory(db, "c", T0 + 60 * DAY);
  expect(await db.lagSample.count()).toBe(0);
  expect(await db.lagRollup.count({ where: { bucketSeconds: 300 } })).toBe(0);
  expect(await db.lagRollup.count({ where: { bucketSeconds: 3600 } })).toBe(2 * 24);
  await maintainHistory(db, "c", T0 + 800 * DAY);
  expect(await db.lagRollup.count()).toBe(0);
});

it("drops OK runs with their logs after a week, failed runs' logs after three months and their rows after two years, never a running one", async () => {
  const OFFSET: Record<string, number> = { ok: 0, failed: 60, unknown: 120, running: 180 };
  const run = (day: number, outcome: string, log: string | null = "end replication job") => {
    const startedAt = T0 + day * DAY + (OFFSET[outcome] ?? 0);
    return { jobRowId: "j", startedAt, endedAt: outcome === "running" ? null : startedAt + 30, outcome, kind: "incremental", log };
  };
  await db.jobRun.createMany({ data: [run(0, "ok"), run(0, "failed"), run(0, "unknown"), run(0, "running", null), run(95, "ok"), run(95, "failed"), run(99, "ok")] });
  const logs = async () => (await db.jobRun.findMany({ orderBy: [{ startedAt: "asc" }] })).map((r) => [Math.floor((r.startedAt - T0) / DAY), r.outcome, r.log !== null]);

  await maintainHistory(db, "c", T0 + 100 * DAY);
  // Day 0: the OK run is gone; failed and unknown rows stay (2 years) without their logs (past 90 days).
  // Day 95: the OK log is 5 days old, kept; day 99 too. The running run is never touched.
  expect(await logs()).toEqual([
    [0, "failed", false], [0, "unknown", false], [0, "running", false],
    [95, "ok", true], [95, "failed", true], [99, "ok", true],
  ]);
  await maintainHistory(db, "c", T0 + 103 * DAY);
  expect((await logs()).filter((r) => r[0] === 95)).toEqual([[95, "failed", true]]);
  // Two years after the last failure only the run that never ended is left.
  await maintainHistory(db, "c", T0 + 96 * DAY + 2 * 365 * DAY);
  expect(await logs()).toEqual([[0, "running", false]]);
});

it("rolls up every job of the cluster in one run, each from its own samples and rollups, and no other cluster's", async () => {
  await createClusterRow(db, "other", "a@pve!b");
  await db.replicationJob.createMany({
    data: [
      { id: "j2", clusterId: "c", jobId: "101-0", vmid: 101, jobnum: 0, target: "pve2", schedule: "*/15", status: "ok", rpoSeconds: 600 },
      { id: "quiet", clusterId: "c", jobId: "102-0", vmid: 102, jobnum: 0, target: "pve2", schedule: "*/15", status: "ok" },
      { id: "elsewhere", clusterId: "other", jobId: "100-0", vmid: 100, jobnum: 0, target: "pve2", schedule: "*/15", status: "ok" },
    ],
  });
  await seedSawtooth(0, 1);
  const copy = await db.lagSample.findMany({ where: { jobRowId: "j" } });
  await db.lagSample.createMany({ data: copy.flatMap((s) => [{ jobRowId: "j2", at: s.at, lagSeconds: s.lagSeconds, status: s.status }, { jobRowId: "elsewhere", at: s.at, lagSeconds: s.lagSeconds, status: s.status }]) });
  // j already has its first half day rolled up; j2 starts from nothing.
  await maintainHistory(db, "c", T0 + DAY / 2);
  await db.lagRollup.deleteMany({ where: { jobRowId: "j2" } });
  await maintainHistory(db, "c", T0 + DAY);

  const hourly = async (jobRowId: string) => db.lagRollup.findMany({ where: { jobRowId, bucketSeconds: 3600 }, orderBy: { bucketStart: "asc" } });
  const [j, j2] = [await hourly("j"), await hourly("j2")];
  expect(j).toHaveLength(24);
  expect(j2.map((r) => r.bucketStart)).toEqual(j.map((r) => r.bucketStart));
  // The same lag, each against its own RPO: 30 min never exceeded, 10 min exceeded every cycle.
  expect(j2.map((r) => r.maxLag)).toEqual(j.map((r) => r.maxLag));
  expect(j.every((r) => r.overRpoSeconds === 0)).toBe(true);
  expect(j2.every((r) => r.overRpoSeconds > 0)).toBe(true);
  expect(await db.lagRollup.count({ where: { jobRowId: { in: ["quiet", "elsewhere"] } } })).toBe(0);
});
