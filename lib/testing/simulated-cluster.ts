import { SIM_START, startSimulatorFixture, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { SimulatorOptions } from "@/lib/simulator/simulator";
import { runPollCycle } from "@/lib/poller/run-cycle";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import type { PrismaClient } from "@/prisma/generated/client";
import { createClusterRow } from "./cluster-row";
import { createTestDb } from "./test-db";

export type SimulatedCluster = {
  db: PrismaClient;
  fx: SimulatorFixture;
  /** The simulator's clock as a Date: the `now` of the cycles, so lag and history follow it. */
  now: () => Date;
  /** Moves the simulator `seconds` ahead, then polls once over HTTPS; `steps` times. Throws on a cycle that cannot read the cluster. */
  pollEvery: (seconds: number, steps: number, client?: ProxmoxClient) => Promise<void>;
  cleanup: () => Promise<void>;
};

/**
 * The demo simulator on HTTPS with its clock frozen (only `sim.advance` moves it), a fresh
 * SQLite file, and a cluster row "demo" for the poller to write to. `cleanup` closes both.
 */
export async function startSimulatedCluster(options: SimulatorOptions = {}): Promise<SimulatedCluster> {
  const { db, cleanup: dropDb } = createTestDb();
  const fx = await startSimulatorFixture({ scenario: "demo", seed: 1, startTime: SIM_START, speed: 0, ...options });
  await createClusterRow(db, "demo", fx.sim.credentials.tokenId);
  const now = () => new Date(fx.sim.now() * 1000);
  return {
    db,
    fx,
    now,
    async pollEvery(seconds, steps, client = fx.client()) {
      for (let i = 0; i < steps; i++) {
        fx.sim.advance(seconds);
        const result = await runPollCycle("demo", { db, client, now });
        if (!result.ok) throw new Error(`The poll at step ${i + 1} failed: ${result.failure.kind}: ${result.failure.message}`);
      }
    },
    cleanup: async () => {
      await fx.close();
      await dropDb();
    },
  };
}
