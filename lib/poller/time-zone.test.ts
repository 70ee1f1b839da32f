import { afterEach, beforeEach, expect, it } from "vitest";
import { UserError } from "@/lib/auth/users";
import { getClusterTimeZone, getJobOptions } from "@/lib/replication/job-options";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import { closedPort, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { runPollCycle } from "./run-cycle";
import { TIME_ZONE_REFRESH_MS } from "./time-zone";

// A cluster whose nodes run on Vienna time: the zone is stored at poll time and used while the
// cluster cannot be reached, instead of falling back to UTC.
let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, fx, cleanup } = await startSimulatedCluster({ timeZone: "Europe/Vienna" })));
afterEach(() => cleanup());

const simNow = () => new Date(fx.sim.now() * 1000);

it("stores the cluster's zone at poll time and keeps it while the cluster is unreachable", async () => {
  expect(await getClusterTimeZone(db, "demo")).toBeNull();
  fx.sim.advance(60);
  await runPollCycle("demo", { db, client: fx.client(), now: simNow });
  expect(await getClusterTimeZone(db, "demo")).toBe("Europe/Vienna");

  const guest = await db.guest.findFirstOrThrow({ where: { template: false }, orderBy: { vmid: "asc" } });
  const live = await getJobOptions({ db, clientFor: () => fx.client() }, "demo", guest.vmid);
  expect(live.timeZone).toBe("Europe/Vienna");

  // Now no node answers: the live options fail loudly, the zone is still known.
  const dead = await closedPort();
  const unreachable = { db, clientFor: () => fx.client({ endpoints: [{ host: "127.0.0.1", port: dead }], retries: { attempts: 0 } }) };
  await expect(getJobOptions(unreachable, "demo", guest.vmid)).rejects.toBeInstanceOf(UserError);
  fx.sim.advance(60);
  const failed = await runPollCycle("demo", { db, client: unreachable.clientFor(), now: simNow });
  expect(failed.ok).toBe(false);
  expect(await getClusterTimeZone(db, "demo")).toBe("Europe/Vienna");
});

it("keeps the stored zone and says so when the zone cannot be read at its hourly refresh", async () => {
  fx.sim.advance(60);
  await runPollCycle("demo", { db, client: fx.client(), now: simNow });
  const readAt = (await db.cluster.findUniqueOrThrow({ where: { id: "demo" } })).timeZoneReadAt!;

  // The refresh is due; the node asked for the time answers 500 (a fault on that one path).
  fx.sim.advance(TIME_ZONE_REFRESH_MS / 1000);
  const node = [...fx.sim.nodeNames].sort()[0]!;
  fx.sim.core.faults.add({ kind: "error", path: `/nodes/${node}/time`, status: 500, message: "time service broken" }, fx.sim.now());
  const result = await runPollCycle("demo", { db, client: fx.client(), now: simNow });
  expect(result.ok && result.partial.map((p) => p.message)).toEqual([expect.stringMatching(new RegExp(`^${node}: the time zone could not be read`))]);
  const row = await db.cluster.findUniqueOrThrow({ where: { id: "demo" } });
  expect(row).toMatchObject({ timeZone: "Europe/Vienna", timeZoneReadAt: readAt, lastErrorKind: "partial" });
});
