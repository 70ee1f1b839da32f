import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runPollCycle } from "@/lib/poller/run-cycle";
import { getJobDetail } from "@/lib/replication/job-queries";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { gatherSwitchoverPreflight } from "./gather";

// The preflight's "job healthy and recent" check and the job page read one view of the stored
// job (deriveJobView): at the same moment they say the same words, healthy, failing or late.
let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;

beforeEach(async () => ({ db, fx, cleanup } = await startSimulatedCluster({ seed: 4 })));
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

async function bothViews(jobId: string, target: string) {
  const row = await db.replicationJob.findUniqueOrThrow({ where: { clusterId_jobId: { clusterId: "demo", jobId } }, select: { id: true } });
  const at = now();
  const page = (await getJobDetail(db, row.id, { now: at }))!.job;
  const client = fx.client();
  try {
    const pre = await gatherSwitchoverPreflight({ db, client, now: () => at.getTime() }, "demo", Number(jobId.split("-")[0]), target);
    return { page, check: pre.checks.find((c) => c.name === "Replication")! };
  } finally {
    client.close();
  }
}

async function control(path: string, body: unknown) {
  const response = await fx.sim.handle("pve1", {
    method: "PUT", url: path, body: JSON.stringify(body),
    headers: { authorization: `Bearer ${fx.sim.controlToken}`, "content-type": "application/json" },
  });
  expect(response.status).toBe(200);
}

describe("the preflight's job health", () => {
  it("says what the job page says: healthy, then failing on a full target, then late between polls", async () => {
    for (let i = 0; i < 60; i++) fx.sim.advance(60);
    await poll();
    let { page, check } = await bothViews("101-0", "pve2");
    expect(page.status).toBe("ok");
    expect(check).toMatchObject({ result: "pass", message: expect.stringContaining(`Job 101-0: ${page.statusMessage}.`) });

    await control("/control/storage/pve2/local-zfs", { fill: 1 });
    for (let i = 0; i < 20; i++) fx.sim.advance(60);
    await poll();
    ({ page, check } = await bothViews("101-0", "pve2"));
    expect(page.status).toBe("failing");
    expect(check).toMatchObject({ result: "warning", message: expect.stringContaining(`Job 101-0: ${page.statusMessage}.`) });

    // No poll for three hours: the stored view turns late at the cluster clock, on both.
    await control("/control/storage/pve2/local-zfs", { fill: 0 });
    await poll();
    for (let i = 0; i < 180; i++) fx.sim.advance(60);
    ({ page, check } = await bothViews("101-0", "pve2"));
    expect(page.status).not.toBe("ok");
    expect(check.result).toBe("warning");
    expect(check.message).toContain(`Job 101-0: ${page.statusMessage}.`);
  });

  it("says so when pve-standby has not read the job yet, instead of a calm pass", async () => {
    const client = fx.client();
    try {
      const pre = await gatherSwitchoverPreflight({ db, client, now: () => fx.sim.now() * 1000 }, "demo", 101, "pve2");
      expect(pre.checks.find((c) => c.name === "Replication")).toMatchObject({ result: "warning", message: expect.stringMatching(/has not been read by pve-standby yet/) });
    } finally {
      client.close();
    }
  });
});
