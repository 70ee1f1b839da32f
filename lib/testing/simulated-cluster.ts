import { SIM_START, startSimulatorFixture, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { SimulatorOptions } from "@/lib/simulator/simulator";
import type { PrismaClient } from "@/prisma/generated/client";
import { createClusterRow } from "./cluster-row";
import { createTestDb } from "./test-db";

/**
 * The demo simulator on HTTPS with its clock frozen (only `sim.advance` moves it), a fresh
 * SQLite file, and a cluster row "demo" for the poller to write to. `cleanup` closes both.
 */
export async function startSimulatedCluster(options: SimulatorOptions = {}): Promise<{ db: PrismaClient; fx: SimulatorFixture; cleanup: () => Promise<void> }> {
  const { db, cleanup: dropDb } = createTestDb();
  const fx = await startSimulatorFixture({ scenario: "demo", seed: 1, startTime: SIM_START, speed: 0, ...options });
  await createClusterRow(db, "demo", fx.sim.credentials.tokenId);
  return {
    db,
    fx,
    cleanup: async () => {
      await fx.close();
      await dropDb();
    },
  };
}
