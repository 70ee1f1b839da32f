import crypto from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { runPollCycle } from "@/lib/poller/run-cycle";
import { createClusterRow } from "@/lib/testing/cluster-row";
import { SIM_START, startSimulatorFixture, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { createChannel } from "./channels/channel-store";
import { startAlertEngine, type AlertEngine } from "./engine";
import { readAlertEngineHealth } from "./engine-health";
import { ALERT_LEASE_TTL_MS } from "./engine-lease";
import { startSmtpSink } from "./test-support/smtp-sink";

// Two processes on one database (the app and `npm run poller`, or two app instances): each has
// its own engine and its own connection to the same SQLite file.
let db: PrismaClient;
let other: PrismaClient;
let fx: SimulatorFixture;
let dropDb: () => Promise<void>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
const engines: AlertEngine[] = [];
const key = crypto.randomBytes(32);
const errors: { obj: object; msg: string }[] = [];
const log = { error: (obj: object, msg: string) => errors.push({ obj, msg }), warn: () => undefined };

beforeEach(async () => {
  const created = createTestDb();
  ({ db, cleanup: dropDb } = created);
  other = createDb(created.file);
  fx = await startSimulatorFixture({ scenario: "demo", seed: 1, startTime: SIM_START, speed: 0 });
  await createClusterRow(db, "demo", fx.sim.credentials.tokenId);
  smtp = await startSmtpSink();
  await createChannel(db, key, { name: "mail", kind: "email", enabled: true, minSeverity: "warning", config: { host: "127.0.0.1", port: smtp.port, security: "none", from: "standby@example.com", to: ["oncall@example.com"] }, secrets: {} });
  errors.length = 0;
}, 60_000);
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
  await smtp.close();
  await fx.close();
  await other.$disconnect();
  await dropDb();
}, 60_000);

let clock = () => new Date(fx.sim.now() * 1000);
const now = () => clock();

function engineOn(database: PrismaClient, holder: string): AlertEngine {
  // Timers far away: the test drives evaluation and delivery itself.
  const engine = startAlertEngine({ db: database, encryptionKey: key, appUrl: "https://standby.example.com", now, holder, log, outboxTickMs: 3_600_000, evaluateEveryMs: 3_600_000, leaseRetryMs: 10 });
  engines.push(engine);
  return engine;
}

async function pollUntilFailed(jobId: string) {
  const client = fx.client();
  for (let i = 0; i < 40; i++) {
    fx.sim.advance(300);
    expect((await runPollCycle("demo", { db, client, now })).ok).toBe(true);
    const job = await db.replicationJob.findUnique({ where: { clusterId_jobId: { clusterId: "demo", jobId } } });
    if (job && job.failCount > 0) return job;
  }
  throw new Error(`${jobId} never failed`);
}

it("two engines on one database: one failure gives one mail, and one reminder, with no evaluation tripping over the other", { timeout: 120_000 }, async () => {
  clock = () => new Date(fx.sim.now() * 1000);
  await db.alertRuleSetting.create({ data: { scope: "global", rule: "job-failed", repeatSeconds: 600 } });
  const a = engineOn(db, "app");
  const b = engineOn(other, "poller");
  // The demo's job to a nearly full storage (105-0) fails.
  const job = await pollUntilFailed("105-0");

  await Promise.all([a.evaluate(["demo"]), b.evaluate(["demo"]), a.evaluate(["demo"]), b.evaluate(["demo"])]);
  await Promise.all([a.kick(), b.kick()]);
  const alert = await db.alert.findFirstOrThrow({ where: { rule: "job-failed", jobRowId: job.id } });
  const mails = () => smtp.mails.filter((m) => m.headers["x-pve-standby-alert"] === alert.id).map((m) => m.headers["x-pve-standby-kind"]);
  expect(mails()).toEqual(["fire"]);

  // The reminder falls due; both processes evaluate at the same moment. Without the lease both
  // would queue it, and one would fail on the outbox's unique key.
  fx.sim.advance(601);
  await Promise.all([a.evaluate(["demo"]), b.evaluate(["demo"])]);
  await Promise.all([a.kick(), b.kick()]);
  expect(mails()).toEqual(["fire", "repeat"]);
  expect(errors).toEqual([]);
  // Both leases were given back; the health rows say the last runs went well.
  expect(await db.alertEngineRun.count({ where: { holder: { not: null } } })).toBe(0);
  const health = await readAlertEngineHealth(db, now());
  expect(health.map((h) => [h.job, h.status])).toEqual([["evaluate", "ok"], ["deliver", "ok"]]);
});

it("a crashed holder's lease lapses: the other engine waits for it, then evaluates", { timeout: 60_000 }, async () => {
  let t = Date.parse("2026-11-29T08:00:00Z");
  clock = () => new Date(t);
  // A process took the evaluation lease and died without giving it back.
  await db.alertEngineRun.create({ data: { name: "evaluate", holder: "crashed", expiresAt: new Date(t + ALERT_LEASE_TTL_MS) } });
  const engine = engineOn(db, "survivor");
  let done = false;
  const evaluation = engine.evaluate(["demo"]).then((summary) => {
    done = true;
    return summary;
  });
  // Many lease attempts later (every 10 ms), it still waits: the lease has not expired.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(done).toBe(false);
  t += ALERT_LEASE_TTL_MS + 1;
  expect(await evaluation).not.toBeNull();
  expect((await db.alertEngineRun.findUniqueOrThrow({ where: { name: "evaluate" } })).holder).toBeNull();
});

it("an evaluation that fails is logged and recorded, so the Alerts page can say the engine is failing", { timeout: 60_000 }, async () => {
  clock = () => new Date(fx.sim.now() * 1000);
  const engine = engineOn(db, "app");
  await db.$executeRawUnsafe('DROP TABLE "AlertSilence"');
  expect(await engine.evaluate(["demo"])).toBeNull();
  expect(errors.map((e) => e.msg)).toContain("Alert evaluation failed");
  const [evaluate] = await readAlertEngineHealth(db, now());
  expect(evaluate).toMatchObject({ job: "evaluate", status: "failing", failures: expect.any(Number) });
  expect(evaluate!.failures).toBeGreaterThanOrEqual(1);
  expect(evaluate!.lastFailure).toMatch(/AlertSilence/);
});
