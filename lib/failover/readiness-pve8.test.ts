import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runPollCycle } from "@/lib/poller/run-cycle";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { getClusterReadiness } from "./readiness-queries";

// Readiness against a cluster answering as PVE 8: no /cluster/ha/rules (501), HA groups instead.
// The poller falls back to the groups, and readiness reads a group like the rule PVE 9 makes of it.
let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;

beforeEach(async () => ({ db, fx, cleanup } = await startSimulatedCluster({ seed: 8, pveVersion: 8 })));
afterEach(() => cleanup());

const now = () => new Date(fx.sim.now() * 1000);

async function poll() {
  const client = fx.client();
  try {
    expect((await runPollCycle("demo", { db, client, now })).ok).toBe(true);
  } finally {
    client.close();
  }
}

async function group(params: Record<string, string>) {
  const response = await fx.sim.handle("pve2", {
    method: "PUT",
    url: "/api2/json/cluster/ha/groups/db-on-replicas",
    headers: { authorization: `PVEAPIToken=${fx.sim.credentials.tokenId}=${fx.sim.credentials.tokenSecret}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
  expect(response.status, String(response.body)).toBe(200);
}

async function vm100() {
  const readiness = await getClusterReadiness(db, "demo", { now: now(), vmid: 100 });
  return { api: readiness!.ha.placementApi, r: readiness!.guests[0]!.readiness };
}

describe("readiness on PVE 8 (HA groups)", () => {
  it("reads the restricted group as safe, then shows the gap and its group fix once the group is unrestricted", async () => {
    for (let i = 0; i < 60; i++) fx.sim.advance(60);
    await poll();
    const first = await vm100();
    expect(first.api).toBe("groups");
    let r = first.r;
    expect(r.ha.tiers).toEqual([["pve2"]]);
    expect(r.reasons.map((x) => x.code)).not.toContain("ha-gap-fallback");

    await group({ restricted: "0" });
    fx.sim.advance(60);
    await poll();
    r = (await vm100()).r;
    expect(r.ha.tiers).toEqual([["pve2"], ["pve3"]]);
    const gap = r.reasons.find((x) => x.code === "ha-gap-fallback")!;
    expect(gap).toMatchObject({ level: "warn", text: "If pve2 is down too, HA would fall back to pve3, which holds no replica." });
    expect(gap.fix).toBe("Put vm:100 in an HA group restricted to pve2, or add replication jobs to pve3.");
    expect(r.verdict).toBe("warnings");
  });

  it("states the failback cost of a group preferring pve1, and none with nofailback", async () => {
    for (let i = 0; i < 60; i++) fx.sim.advance(60);
    await group({ nodes: "pve1:2,pve2:1" });
    fx.sim.advance(60);
    await poll();
    let { r } = await vm100();
    expect(r.ha.failback?.kind).toBe("moves-back");
    expect(r.reasons.find((x) => x.code === "ha-failback")).toMatchObject({ level: "warn", text: expect.stringMatching(/When pve1 returns after a failure, HA migrates vm:100 back to it at once/) });

    await group({ nofailback: "1" });
    fx.sim.advance(60);
    await poll();
    ({ r } = await vm100());
    expect(r.ha.failback?.kind).toBe("disabled");
    expect(r.reasons.find((x) => x.code === "ha-failback")?.level).toBe("info");
  });
});
