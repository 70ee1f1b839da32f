import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ABORTED_RUN_ERROR } from "@/lib/replication/runs";
import { createFetchTransport } from "@/lib/proxmox/fetch-transport";
import { SIM_START, startSimulatorFixture, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PerformedRun } from "@/lib/simulator/model-types";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { runPollCycle } from "./run-cycle";
import { createClusterRow } from "@/lib/testing/cluster-row";

// A simulated day polled every minute, with one node down for an hour, compared run by run with
// what the simulator's scheduler really did. The client talks to the simulator in-process here
// (1,440 cycles over TLS would make this the slowest test by far); run-cycle.test.ts covers HTTPS.
const DAY = 86_400;
const OUTAGE = { node: "pve2", from: SIM_START + 10 * 3600, to: SIM_START + 11 * 3600 };

let db: PrismaClient;
let cleanup: () => Promise<void>;
let fx: SimulatorFixture;
let performed: PerformedRun[];
let recorded: { jobId: string; startedAt: number; endedAt: number | null; outcome: string; kind: string; durationSeconds: number | null; error: string | null }[];
let lastPoll = 0;

beforeAll(async () => {
  ({ db, cleanup } = createTestDb());
  fx = await startSimulatorFixture({ scenario: "demo", seed: 7, startTime: SIM_START, speed: 0 });
  await createClusterRow(db, "demo", fx.sim.credentials.tokenId);
  const client = fx.client({ transport: createFetchTransport(fx.sim.fetch("pve1")) });
  const now = () => new Date(fx.sim.now() * 1000);
  for (let t = SIM_START + 60; t <= SIM_START + DAY; t += 60) {
    fx.sim.advance(60);
    if (t === OUTAGE.from) fx.sim.model.setNodeOnline(OUTAGE.node, false, fx.sim.now());
    if (t === OUTAGE.to) fx.sim.model.setNodeOnline(OUTAGE.node, true, fx.sim.now());
    await runPollCycle("demo", { db, client, now });
    lastPoll = fx.sim.now();
  }
  performed = fx.sim.model.performedRuns.filter((r) => r.end <= lastPoll);
  recorded = (await db.jobRun.findMany({ include: { job: { select: { jobId: true } } } })).map((r) => ({ ...r, jobId: r.job.jobId }));
}, 240_000);

afterAll(async () => {
  await fx.close();
  await cleanup();
});

const key = (jobId: string, start: number) => `${jobId}@${start}`;

describe("over a simulated day with a node outage", () => {
  it("records every run the simulator performed, and no other", () => {
    expect(performed.length).toBeGreaterThan(500);
    const recordedKeys = new Set(recorded.filter((r) => r.outcome !== "running").map((r) => key(r.jobId, r.startedAt)));
    const missing = performed.filter((r) => !recordedKeys.has(key(r.jobId, r.start)));
    const performedKeys = new Set(performed.map((r) => key(r.jobId, r.start)));
    const invented = recorded.filter((r) => r.outcome !== "running" && !performedKeys.has(key(r.jobId, r.startedAt)));
    expect(missing).toEqual([]);
    expect(invented).toEqual([]);
  });

  it("gives each run the outcome, duration and kind the simulator gave it", () => {
    const byKey = new Map(recorded.map((r) => [key(r.jobId, r.startedAt), r]));
    // A run cut off by its node's death never recorded an end: it counts as failed, saying so.
    const expectedOutcome = { ok: "ok", failed: "failed", aborted: "failed" } as const;
    for (const run of performed) {
      const mine = byKey.get(key(run.jobId, run.start))!;
      expect(mine.outcome, key(run.jobId, run.start)).toBe(expectedOutcome[run.outcome]);
      if (run.outcome === "aborted") expect(mine.error).toBe(ABORTED_RUN_ERROR);
      else {
        // Proxmox's state holds one duration: when two runs end between polls, the first one's is gone.
        if (mine.durationSeconds !== null) expect(mine.durationSeconds, key(run.jobId, run.start)).toBeCloseTo(run.end - run.start, 3);
        // A failed run may stop before its log says what it would have sent: "unknown" is honest then.
        if (run.outcome === "ok" || mine.kind !== "unknown") expect(mine.kind, key(run.jobId, run.start)).toBe(run.kind);
      }
    }
    expect(performed.some((r) => r.outcome === "failed")).toBe(true);
    expect(performed.some((r) => r.outcome === "aborted")).toBe(true);
    const finished = recorded.filter((r) => r.outcome === "ok");
    expect(finished.filter((r) => r.durationSeconds === null).length).toBeLessThan(finished.length * 0.02);
  });

  it("shows the outage as stale jobs and keeps sampling lag through it", async () => {
    const during = await db.lagSample.findMany({ where: { at: { gt: OUTAGE.from, lt: OUTAGE.to }, job: { source: OUTAGE.node } } });
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((s) => s.status === "stale" || s.status === "disabled" || s.status === "removal-scheduled")).toBe(true);
    const after = await db.replicationJob.findMany({ where: { source: OUTAGE.node, disabled: false } });
    expect(after.every((j) => j.status !== "stale")).toBe(true);
  });
});
