import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeLossError } from "@/lib/replication/runs";
import { createFetchTransport } from "@/lib/testing/fetch-transport";
import { SIM_START, startSimulatorFixture, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PerformedRun } from "@/lib/simulator/model-types";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { runPollCycle } from "./run-cycle";
import { createClusterRow } from "@/lib/testing/cluster-row";

// A simulated day polled every minute, compared run by run with what the simulator's scheduler
// really did, under two node deaths: pve2 down for an hour (its guests wait for it), and pve1
// killed while the HA-managed VM 100 syncs, so HA recovers the guest on another node while the
// run it left behind has no result. The client talks to the simulator in-process through pve3,
// which stays up (1,440 cycles over TLS would make this the slowest test by far);
// run-cycle.test.ts covers HTTPS.
const DAY = 86_400;
const OUTAGE = { node: "pve2", from: SIM_START + 10 * 3600, to: SIM_START + 11 * 3600 };
/** From this time on, pve1 dies at the first poll that sees the HA guest's job running there. */
const HA_OUTAGE = { node: "pve1", job: "100-0", after: SIM_START + 14 * 3600, seconds: 3600 };

let db: PrismaClient;
let cleanup: () => Promise<void>;
let fx: SimulatorFixture;
let performed: PerformedRun[];
let recorded: { jobId: string; startedAt: number; endedAt: number | null; outcome: string; kind: string; durationSeconds: number | null; error: string | null }[];
let lastPoll = 0;
let haDeath: { at: number; recoveredTo: string | null } | null = null;

beforeAll(async () => {
  ({ db, cleanup } = createTestDb());
  fx = await startSimulatorFixture({ scenario: "demo", seed: 7, startTime: SIM_START, speed: 0 });
  await createClusterRow(db, "demo", fx.sim.credentials.tokenId);
  const client = fx.client({ transport: createFetchTransport(fx.sim.fetch("pve3")) });
  const now = () => new Date(fx.sim.now() * 1000);
  for (let t = SIM_START + 60; t <= SIM_START + DAY; t += 60) {
    fx.sim.advance(60);
    if (t === OUTAGE.from) fx.sim.model.setNodeOnline(OUTAGE.node, false, fx.sim.now());
    if (t === OUTAGE.to) fx.sim.model.setNodeOnline(OUTAGE.node, true, fx.sim.now());
    if (haDeath && t === haDeath.at + HA_OUTAGE.seconds) fx.sim.model.setNodeOnline(HA_OUTAGE.node, true, fx.sim.now());
    await runPollCycle("demo", { db, client, now });
    lastPoll = fx.sim.now();
    if (haDeath && haDeath.recoveredTo === null) {
      const guest = await db.guest.findFirstOrThrow({ where: { vmid: 100 } });
      if (guest.node !== HA_OUTAGE.node) haDeath.recoveredTo = guest.node;
    }
    if (!haDeath && t >= HA_OUTAGE.after) {
      const job = await db.replicationJob.findFirstOrThrow({ where: { jobId: HA_OUTAGE.job } });
      if (job.status === "syncing" && job.stateNode === HA_OUTAGE.node) {
        fx.sim.model.setNodeOnline(HA_OUTAGE.node, false, fx.sim.now());
        haDeath = { at: t, recoveredTo: null };
      }
    }
  }
  performed = fx.sim.model.performedRuns.filter((r) => r.end <= lastPoll);
  recorded = (await db.jobRun.findMany({ include: { job: { select: { jobId: true } } } })).map((r) => ({ ...r, jobId: r.job.jobId }));
}, 600_000);

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
    // A run cut off by its node's death never recorded an end: it counts as failed, saying so,
    // and ends when its node last answered (the poll before the death, at most a minute before).
    const expectedOutcome = { ok: "ok", failed: "failed", aborted: "failed" } as const;
    for (const run of performed) {
      const mine = byKey.get(key(run.jobId, run.start))!;
      expect(mine.outcome, key(run.jobId, run.start)).toBe(expectedOutcome[run.outcome]);
      if (run.outcome === "aborted") {
        expect(mine.error, key(run.jobId, run.start)).toBe(nodeLossError({ node: run.node, lastSeenAt: 0 }));
        expect(mine.endedAt, key(run.jobId, run.start)).toBeGreaterThanOrEqual(run.start);
        expect(mine.endedAt!).toBeLessThanOrEqual(run.end);
        expect(run.end - mine.endedAt!).toBeLessThanOrEqual(60);
      } else {
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

  it("records the HA guest's run cut off by pve1's death as failed, with that reason and an end", () => {
    expect(haDeath, "the HA guest's job was never seen running on pve1").not.toBeNull();
    expect(haDeath!.recoveredTo, "HA did not recover VM 100 elsewhere").not.toBeNull();
    const cutOff = performed.filter((r) => r.jobId === HA_OUTAGE.job && r.outcome === "aborted");
    expect(cutOff).toHaveLength(1);
    const mine = recorded.find((r) => r.jobId === HA_OUTAGE.job && r.startedAt === cutOff[0]!.start);
    expect(mine).toMatchObject({ outcome: "failed", error: "pve1 went offline during the run", endedAt: haDeath!.at, durationSeconds: null });
  });

  it("shows the outage as stale jobs and keeps sampling lag through it", async () => {
    // VM 100 lived on pve1 during pve2's outage; HA moved it (and its job's source) later.
    const during = await db.lagSample.findMany({ where: { at: { gt: OUTAGE.from, lt: OUTAGE.to }, job: { source: OUTAGE.node, jobId: { not: HA_OUTAGE.job } } } });
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((s) => s.status === "stale" || s.status === "disabled" || s.status === "removal-scheduled")).toBe(true);
    const after = await db.replicationJob.findMany({ where: { source: OUTAGE.node, disabled: false } });
    expect(after.every((j) => j.status !== "stale")).toBe(true);
  });
});
