import { expect } from "vitest";
import { runPollCycle } from "@/lib/poller/run-cycle";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import type { RemoteShellFor } from "@/lib/ssh/remote-shell";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import type { FailoverDeps } from "./deps";
import { advanceOperation } from "./engine";
import { getFailoverOverview } from "./failover-queries";

// What the failback tests share (failback.test.ts, failback-choice.test.ts): the simulated
// cluster's clock, polls, pve1's death with HA's recovery of vm:100, and the executor's passes.

/** The operator who places the holds in these tests. */
export const OLIVIA = { id: "user-1", label: "olivia@example.com" };

export const simMillis = (fx: SimulatorFixture) => fx.sim.now() * 1000;

export function failoverDeps(db: PrismaClient, fx: SimulatorFixture, client: ProxmoxClient, shellFor?: RemoteShellFor): FailoverDeps {
  return { db, clientFor: () => client, now: () => simMillis(fx), shellFor };
}

/** `cycles` polls through `client`, the simulated clock moved `seconds` before each. */
export async function pollCluster(db: PrismaClient, fx: SimulatorFixture, client: ProxmoxClient, seconds: number, cycles: number): Promise<void> {
  for (let i = 0; i < cycles; i++) {
    fx.sim.advance(seconds);
    expect((await runPollCycle("demo", { db, client, now: () => new Date(simMillis(fx)) })).ok).toBe(true);
  }
}

/** pve1 dies; the survivors poll until HA has recovered vm:100 to pve2 and the job turned around. */
export async function losePve1(db: PrismaClient, fx: SimulatorFixture): Promise<ProxmoxClient> {
  await pollCluster(db, fx, fx.client(), 60, 3);
  fx.sim.setNodeOnline("pve1", false);
  const survivors = fx.client({ endpoints: ["pve2", "pve3"].map((n) => fx.endpoint(n)) });
  await pollCluster(db, fx, survivors, 15, 24);
  expect(fx.sim.model.guest(100)?.node).toBe("pve2");
  expect(fx.sim.model.jobs.get("100-0")).toMatchObject({ source: "pve2", target: "pve1" });
  return survivors;
}

/** Up to `count` executor passes over the operation, the clock moved `stepSeconds` after each; its state after them. */
export async function operationPasses(
  db: PrismaClient, fx: SimulatorFixture, client: ProxmoxClient, operationId: string, count: number, stepSeconds = 5, shell?: RemoteShellFor,
): Promise<string> {
  let state = "running";
  for (let i = 0; i < count && state === "running"; i++) {
    state = (await advanceOperation(failoverDeps(db, fx, client, shell), operationId, client)).state;
    fx.sim.advance(stepSeconds);
  }
  return state;
}

/** The failback panel's data for a guest of pve1's outage, as the Failover page reads it. */
export async function failbackOnPage(db: PrismaClient, fx: SimulatorFixture, vmid = 100) {
  const overview = await getFailoverOverview(db, { now: new Date(simMillis(fx)) });
  return overview.clusters[0]!.outages.find((o) => o.node === "pve1")!.guests.find((g) => g.vmid === vmid)!.failback!;
}

export const stepOf = (db: PrismaClient, operationId: string, kind: string, vmid = 100) => db.failoverStep.findFirstOrThrow({ where: { operationId, kind, vmid } });
