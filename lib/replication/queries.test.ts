import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPollCycle } from "@/lib/poller/run-cycle";
import { SIM_START, startSimulatorFixture, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { getJobDetail, getJobLagSeries, getRunLog } from "./job-queries";
import { JOB_ROW_SELECT } from "./job-rows";
import { clusterNowSeconds, deriveJobView, targetOnlineLookup } from "./job-view";
import { OVERVIEW_PAGE_SIZE, overviewFiltersSchema, parseOverviewFilters, STATUS_SEVERITY } from "./overview-filters";
import { jobMatchesSearch } from "./overview-search";
import { getClusterReplication, getGuestReplication, getReplicationOverview } from "./queries";
import { countByStatus } from "./status-display";
import { createClusterRow } from "@/lib/testing/cluster-row";

// Two simulated hours of the demo cluster (the first full syncs take about half an hour), polled every minute by the real poller, is shared by
// every read below (reads never write).
let db: PrismaClient;
let cleanup: () => Promise<void>;
let fx: SimulatorFixture;
const simNow = () => new Date(fx.sim.now() * 1000);
const filters = (input: Record<string, unknown> = {}) => overviewFiltersSchema.parse(input);

beforeAll(async () => {
  ({ db, cleanup } = createTestDb());
  fx = await startSimulatorFixture({ scenario: "demo", seed: 1, startTime: SIM_START, speed: 0 });
  await createClusterRow(db, "demo", fx.sim.credentials.tokenId);
  const client = fx.client();
  for (let i = 0; i < 120; i++) {
    fx.sim.advance(60);
    await runPollCycle("demo", { db, client, now: simNow });
  }
}, 240_000);
afterAll(async () => {
  await fx.close();
  await cleanup();
});

describe("overview", () => {
  it("counts guests and jobs and puts the most urgent job first", async () => {
    const overview = await getReplicationOverview(db, filters(), { now: simNow() });
    const jobs = await db.replicationJob.count({ where: { goneAt: null } });
    expect(overview.total).toBe(jobs);
    expect(overview.clusterCount).toBe(1);
    const { headline } = overview;
    expect(headline.protectedGuests).toBeGreaterThan(0);
    expect(headline.protectedGuests + headline.unprotectedGuests).toBe(await db.guest.count({ where: { goneAt: null, template: false } }));
    // Cards and chips share one grouping: with no filter they are the same counts.
    expect(headline.jobs.byStatus).toEqual(overview.statusCounts);
    expect(headline.jobs.byStatus.failing).toBe(1);
    expect(Object.values(overview.statusCounts).reduce((a, b) => a + b, 0)).toBe(jobs);
    // The job to pve3's nearly full storage keeps failing: most urgent first.
    expect(overview.jobs[0]?.jobId).toBe("105-0");
    expect(overview.jobs[0]?.status).toBe("failing");
    expect(headline.worst?.lagSeconds).toBeGreaterThan(0);
  });

  it("answers a search with exactly the jobs the browser's pre-filter keeps (one rule, overview-search.ts)", async () => {
    const all = await getReplicationOverview(db, filters(), { now: simNow() });
    expect(all.total).toBeLessThanOrEqual(OVERVIEW_PAGE_SIZE); // one page holds every job
    for (const q of ["DB-PRIM", "pve3", "100", "-0", "demo", "É", "no such job"]) {
      const answer = await getReplicationOverview(db, filters({ q }), { now: simNow() });
      expect(answer.filters.q).toBe(q);
      expect(answer.jobs.map((j) => j.id).sort()).toEqual(all.jobs.filter((j) => jobMatchesSearch(j, q)).map((j) => j.id).sort());
    }
  });

  it("measures lag on the cluster clock and applies the default RPO from the schedule", async () => {
    const overview = await getReplicationOverview(db, filters({ q: "100-0" }), { now: simNow() });
    const job = overview.jobs.find((j) => j.jobId === "100-0");
    expect(job?.schedule).toBe("*/5");
    expect(job?.rpoIsDefault).toBe(true);
    expect(job?.rpoSeconds).toBe(600);
    expect(job?.clusterNow).toBe(Math.floor(fx.sim.now()));
    expect(job?.lagSeconds).toBe(fx.sim.now() - (job?.lastSync ?? 0));
  });

  it("filters by status and search, and sorts by lag against RPO", async () => {
    const failing = await getReplicationOverview(db, filters({ status: "failing,waiting-target" }), { now: simNow() });
    expect(failing.jobs.map((j) => [j.jobId, j.status])).toEqual([["105-0", "failing"]]);
    const disabled = await getReplicationOverview(db, filters({ status: "disabled" }), { now: simNow() });
    expect(disabled.jobs.map((j) => j.jobId)).toEqual(["104-0"]);
    // Case-insensitive search on the guest's name: db-primary has one job.
    const searched = await getReplicationOverview(db, filters({ q: "DB-PRIM" }), { now: simNow() });
    expect(searched.jobs.map((j) => j.jobId)).toEqual(["100-0"]);
    const byNode = await getReplicationOverview(db, filters({ q: "pve3" }), { now: simNow() });
    // From pve3 (guests 108, 109, 111) or to it.
    expect(byNode.jobs.map((j) => j.jobId).sort()).toEqual(["102-0", "105-0", "108-0", "108-1", "109-0", "111-0"]);
    const byLag = await getReplicationOverview(db, filters({ sort: "lag", dir: "desc" }), { now: simNow() });
    expect(byLag.jobs).toHaveLength(await db.replicationJob.count({ where: { goneAt: null } }));
    // Furthest past its RPO first (lag − RPO: an order that holds between polls), never-synced last.
    const pastRpo = byLag.jobs.map((j) => (j.lagSeconds === null ? -Infinity : j.lagSeconds - j.rpoSeconds));
    expect(pastRpo).toEqual([...pastRpo].sort((a, b) => b - a));
    expect(new Set(pastRpo).size).toBeGreaterThan(3);
  });

  it("counts, filters and sorts every job by the status its view shows at a later clock, not the poll's", async () => {
    // Two hours after the last poll, with no poll since: jobs that were ok are late by now.
    const later = new Date(simNow().getTime() + 2 * 3600_000);
    const rows = await db.replicationJob.findMany({ where: { goneAt: null }, select: JOB_ROW_SELECT });
    const online = targetOnlineLookup(await db.clusterNode.findMany({ select: { clusterId: true, name: true, online: true } }));
    const { timeZone, clockSkewMs } = await db.cluster.findUniqueOrThrow({ where: { id: "demo" } });
    const views = rows.map((row) => ({ jobId: row.jobId, ...deriveJobView(row, { clusterNow: clusterNowSeconds(later, clockSkewMs), targetOnline: online(row.clusterId, row.target), timeZone }) }));
    expect(views.filter((v) => v.status === "late").length).toBeGreaterThan(rows.filter((r) => r.status === "late").length);
    const overview = await getReplicationOverview(db, filters(), { now: later });
    expect(overview.statusCounts).toEqual(countByStatus(views));
    for (const status of new Set(views.map((v) => v.status))) {
      const page = await getReplicationOverview(db, filters({ status }), { now: later });
      expect(page.jobs.map((j) => j.jobId).sort()).toEqual(views.filter((v) => v.status === status).map((v) => v.jobId).sort());
      expect(page.jobs.every((j) => j.status === status)).toBe(true);
    }
    // Most urgent first: the severity order of the views themselves.
    const ranks = overview.jobs.map((j) => STATUS_SEVERITY[j.status]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it("parses filters from the URL and ignores junk", () => {
    expect(parseOverviewFilters(new URLSearchParams("status=late,bogus&sort=nope&page=-3&q=web"))).toEqual({
      status: ["late"], q: "web", sort: "severity", dir: "desc", page: 1, cluster: undefined,
    });
  });

  it("pages through 5,000 jobs, most urgent first", async () => {
    await createClusterRow(db, "big", "a@pve!b");
    const polled = Math.floor(fx.sim.now());
    // Every fourth job failing (the rest ok, late or stale), each as the poller stores it at `polled`.
    const kinds = ["ok", "late", "failing", "stale"] as const;
    await db.replicationJob.createMany({
      data: Array.from({ length: 5000 }, (_, i) => {
        const kind = kinds[i % 4] ?? "ok";
        const lastSync = kind === "late" ? polled - 7200 : polled - 60;
        return {
          clusterId: "big", jobId: `${1000 + i}-0`, vmid: 1000 + i, jobnum: 0, target: "pve2", schedule: "*/15", status: kind,
          lastSync, lastTry: kind === "failing" ? polled - 30 : lastSync, nextSync: polled + 600, failCount: kind === "failing" ? 1 : 0,
          error: kind === "failing" ? "storage full" : null, stateClusterTime: kind === "stale" ? polled - 300 : polled, polledAt: polled,
        };
      }),
    });
    try {
      const page = await getReplicationOverview(db, filters({ cluster: "big", page: 3 }), { now: simNow() });
      expect(page.total).toBe(5000);
      expect(page.pageCount).toBe(Math.ceil(5000 / OVERVIEW_PAGE_SIZE));
      expect(page.statusCounts).toMatchObject({ ok: 1250, late: 1250, failing: 1250, stale: 1250 });
      // Failing jobs are i = 2, 6, 10, …; with equal lag they follow by job id: page 3 holds the 101st to the 150th.
      const expected = Array.from({ length: OVERVIEW_PAGE_SIZE }, (_, k) => `${1000 + 2 + 4 * (100 + k)}-0`);
      expect(page.jobs.map((j) => j.jobId)).toEqual(expected);
      expect(new Set(page.jobs.map((j) => j.status))).toEqual(new Set(["failing"]));
    } finally {
      await db.cluster.delete({ where: { id: "big" } });
    }
  }, 60_000);

  it("shows every job with the status the poller derived, at the poll's clock", async () => {
    const rows = await db.replicationJob.findMany({ where: { clusterId: "demo", goneAt: null } });
    const online = targetOnlineLookup(await db.clusterNode.findMany({ select: { clusterId: true, name: true, online: true } }));
    const { timeZone } = await db.cluster.findUniqueOrThrow({ where: { id: "demo" } });
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      const view = deriveJobView(row, { clusterNow: row.polledAt ?? 0, targetOnline: online(row.clusterId, row.target), timeZone });
      expect({ jobId: row.jobId, status: view.status, lag: view.lagSeconds, message: view.message, overRpoAt: view.overRpoAt, lateAt: view.lateAt }).toEqual({
        jobId: row.jobId, status: row.status, lag: row.lagSeconds, message: row.statusMessage, overRpoAt: row.overRpoAt, lateAt: row.lateAt,
      });
    }
  });
});

describe("cluster and guest", () => {
  it("lists nodes and every guest with its protection", async () => {
    const detail = await getClusterReplication(db, "demo", { now: simNow() });
    expect(detail?.nodes.map((n) => n.name)).toEqual(fx.sim.nodeNames);
    expect(detail?.nodes.every((n) => n.online)).toBe(true);
    const protections = new Set(detail?.guests.map((g) => g.protection));
    expect(protections).toContain("protected");
    expect(protections).toContain("unprotected");
    expect(await getClusterReplication(db, "nope")).toBeNull();
  });

  it("shows a guest's jobs and its recent runs", async () => {
    const detail = await getGuestReplication(db, "demo", 100, { now: simNow() });
    expect(detail?.jobs.map((j) => j.jobId)).toContain("100-0");
    expect(detail?.runs.length).toBeGreaterThan(0);
    expect(detail?.runs[0]?.jobId).toMatch(/^100-/);
    expect(await getGuestReplication(db, "demo", 99_999)).toBeNull();
  });
});

describe("job", () => {
  it("returns runs with their kind, duration and throughput from the stored log", async () => {
    const row = await db.replicationJob.findFirstOrThrow({ where: { jobId: "100-0", clusterId: "demo" } });
    const detail = await getJobDetail(db, row.id, { now: simNow() });
    expect(detail?.runCount).toBeGreaterThanOrEqual(4);
    const ok = detail?.runs.find((r) => r.outcome === "ok" && r.hasLog && r.kind === "incremental");
    expect(ok?.durationSeconds).toBeGreaterThan(0);
    expect(ok?.sentBytes).toBeGreaterThan(0);
    expect(ok?.bytesPerSecond).toBeGreaterThan(0);
    const log = await getRunLog(db, row.id, ok?.id ?? "");
    expect(log?.log).toMatch(/end replication job/);
    expect(await getRunLog(db, "other", ok?.id ?? "")).toBeNull();
  });

  it("draws the last hour as a sawtooth with the RPO and compliance", async () => {
    const row = await db.replicationJob.findFirstOrThrow({ where: { jobId: "100-0", clusterId: "demo" } });
    const series = await getJobLagSeries(db, row.id, "1h", { now: simNow() });
    expect(series?.source).toBe("raw");
    expect(series?.rpoSeconds).toBe(600);
    expect(series?.points.length).toBeGreaterThanOrEqual(20);
    const drops = series?.points.filter((p, i, all) => i > 0 && p.lag < (all[i - 1]?.lag ?? 0)).length ?? 0;
    expect(drops).toBeGreaterThanOrEqual(4);
    expect(series?.compliance.coverage).toBeGreaterThan(0.9);
    expect(series?.compliance.compliance).toBeGreaterThan(0.9);
  });

  it("marks failed runs on a failing job's chart", async () => {
    const failing = await db.replicationJob.findFirstOrThrow({ where: { clusterId: "demo", status: { in: ["failing", "waiting-target"] } } });
    const series = await getJobLagSeries(db, failing.id, "24h", { now: simNow() });
    expect(series?.failures.length).toBeGreaterThan(0);
  });

  it("uses rollups where raw samples are gone", async () => {
    const row = await db.replicationJob.findFirstOrThrow({ where: { jobId: "100-0", clusterId: "demo" } });
    const base = Math.floor((SIM_START - 20 * 86_400) / 300) * 300;
    await db.lagRollup.createMany({
      data: Array.from({ length: 12 }, (_, i) => ({ jobRowId: row.id, bucketSeconds: 300, bucketStart: base + i * 300, minLag: 30, maxLag: i === 5 ? 900 : 290, avgLag: 150, count: 5, coveredSeconds: 300, overRpoSeconds: i === 5 ? 300 : 0 })),
    });
    const series = await getJobLagSeries(db, row.id, "30d", { now: simNow() });
    expect(series?.source).toBe("mixed");
    expect(series?.points.some((p) => p.lag === 900)).toBe(true);
    expect(series?.compliance.overSeconds).toBeGreaterThanOrEqual(300);
  });
});
