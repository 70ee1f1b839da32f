import { afterEach, beforeEach, expect, it } from "vitest";
import { runPollCycle } from "@/lib/poller/run-cycle";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { PrismaClient } from "@/prisma/generated/client";
import { readLiveLog } from "./live-log";

let db: PrismaClient;
let cleanup: () => Promise<void>;
let fx: SimulatorFixture;

beforeEach(async () => ({ db, fx, cleanup } = await startSimulatedCluster()));
afterEach(() => cleanup());

it("reads the log of the sync in flight from its node, and nothing when no sync runs", async () => {
  const deps = { db, clientFor: () => fx.client() };
  const client = fx.client();
  let syncing = null;
  // The clock stands still at each tick, where the scheduler has just started a run.
  for (let i = 0; i < 30 && !syncing; i++) {
    fx.sim.advance(60);
    await runPollCycle("demo", { db, client, now: () => new Date(fx.sim.now() * 1000) });
    syncing = await db.replicationJob.findFirst({ where: { status: "syncing" } });
  }
  expect(syncing).not.toBeNull();
  const live = await readLiveLog(deps, syncing!.id);
  expect(live).toMatchObject({ running: true, node: syncing!.stateNode });
  expect(live?.running && live.lines.join("\n")).toMatch(/start replication job/);

  const idle = await db.replicationJob.findFirstOrThrow({ where: { status: { not: "syncing" } } });
  expect(await readLiveLog(deps, idle.id)).toEqual({ running: false });
  expect(await readLiveLog(deps, "no-such-job")).toBeNull();
});
