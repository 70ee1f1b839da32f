import crypto from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runPollCycle } from "@/lib/poller/run-cycle";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { acknowledgeAlert } from "./actions";
import { createChannel } from "./channels/channel-store";
import { deliverDue } from "./deliver-due";
import { evaluateAlerts } from "./evaluate";
import { startSmtpSink } from "./test-support/smtp-sink";

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
const key = crypto.randomBytes(32);

beforeEach(async () => {
  ({ db, fx, cleanup } = await startSimulatedCluster());
  smtp = await startSmtpSink({ auth: { user: "alerts", pass: "s3cret-pass" } });
  await createChannel(db, key, {
    name: "on-call mail", kind: "email", enabled: true, minSeverity: "warning",
    config: { host: "127.0.0.1", port: smtp.port, security: "none", username: "alerts", from: "standby@example.com", to: ["oncall@example.com"] },
    secrets: { password: "s3cret-pass" },
  });
}, 60_000);
afterEach(async () => {
  await smtp.close();
  await cleanup();
}, 60_000);

const simNow = () => new Date(fx.sim.now() * 1000);
const deps = () => ({ db, now: simNow, appUrl: "https://standby.example.com" });

/** One poll every `step` seconds for `minutes`, evaluating and sending after each, as the app does. */
async function run(minutes: number, step = 60) {
  const client = fx.client();
  for (let i = 0; i < (minutes * 60) / step; i++) {
    fx.sim.advance(step);
    expect((await runPollCycle("demo", { db, client, now: simNow })).ok).toBe(true);
    await evaluateAlerts(deps(), ["demo"]);
    await deliverDue({ db, encryptionKey: key, now: simNow });
  }
}

async function jobRow(jobId: string) {
  return db.replicationJob.findUniqueOrThrow({ where: { clusterId_jobId: { clusterId: "demo", jobId } } });
}

function mailsFor(alertId: string) {
  return smtp.mails.filter((m) => m.headers["x-pve-standby-alert"] === alertId).map((m) => `${m.headers["x-pve-standby-kind"]}: ${m.subject}`);
}

it("a job that fails, then breaches its RPO, then recovers: each alert fires once, repeats until acknowledged, and resolves, one mail each", { timeout: 300_000 }, async () => {
  // Reminders every 20 minutes so the test sees one before the acknowledgement.
  await db.alertRuleSetting.create({ data: { scope: "global", rule: "job-failed", repeatSeconds: 20 * 60 } });
  // pve1 sends its initial full syncs one after the other; 102-0's is done after about 35 minutes.
  await run(45, 300);
  const job = await jobRow("102-0");
  expect(job.failCount).toBe(0);
  expect(job.lastSync).toBeGreaterThan(0);

  // The link pve1 → pve3 breaks: 102-0's next run fails.
  fx.sim.model.networkFaults.set("pve1->pve3", "ssh: connect to host pve3 port 22: Connection timed out");
  await run(16);
  const failed = await db.alert.findFirstOrThrow({ where: { rule: "job-failed", jobRowId: job.id } });
  expect(failed.resolvedAt).toBeNull();
  expect(mailsFor(failed.id)).toHaveLength(1);
  expect(mailsFor(failed.id)[0]).toMatch(/^fire: \[FIRING\] Replication job 102-0 .* failed \d×/);
  const firstMail = smtp.mails.find((m) => m.headers["x-pve-standby-alert"] === failed.id)!;
  expect(firstMail.to).toEqual(["oncall@example.com"]);
  expect(firstMail.raw).toContain("https://standby.example.com/replication/");

  // More failures and one reminder (20 min after the first mail), then an operator acknowledges.
  await run(10);
  expect(mailsFor(failed.id).filter((m) => m.startsWith("repeat:"))).toHaveLength(1);
  await acknowledgeAlert(db, failed.id, "operator@example.com", simNow());

  // 30-minute RPO (*/15 default): once the copy is older, the RPO alert fires on its own.
  await run(20);
  const rpo = await db.alert.findFirstOrThrow({ where: { rule: "rpo-breached", jobRowId: job.id } });
  expect(mailsFor(rpo.id)).toEqual([expect.stringMatching(/^fire: \[FIRING\] Copy of job 102-0 .* older than its RPO/)]);
  expect(mailsFor(failed.id).filter((m) => m.startsWith("repeat:"))).toHaveLength(1);

  // The link comes back; the next retry succeeds; both alerts resolve after their clear delay.
  fx.sim.model.networkFaults.delete("pve1->pve3");
  await run(60);
  expect((await jobRow("102-0")).failCount).toBe(0);
  const [failedAfter, rpoAfter] = await Promise.all([db.alert.findUniqueOrThrow({ where: { id: failed.id } }), db.alert.findUniqueOrThrow({ where: { id: rpo.id } })]);
  expect(failedAfter.resolvedAt).not.toBeNull();
  expect(rpoAfter.resolvedAt).not.toBeNull();
  expect(mailsFor(failed.id).map((m) => m.split(":")[0])).toEqual(["fire", "repeat", "resolved"]);
  expect(mailsFor(rpo.id).map((m) => m.split(":")[0])).toEqual(["fire", "resolved"]);
  // Nothing is left in the outbox and nothing was sent twice.
  expect(await db.alertDelivery.count({ where: { status: { not: "delivered" } } })).toBe(0);
  expect(smtp.mails).toHaveLength(await db.alertDelivery.count());
});

it("a job failing every other run stays one alert instead of a mail per run", { timeout: 300_000 }, async () => {
  await run(45, 300);
  const job = await jobRow("102-0");
  // The */15 run at :00, :15, … fails; its retry five minutes later succeeds; and again.
  for (let cycle = 0; cycle < 4; cycle++) {
    fx.sim.model.networkFaults.set("pve1->pve3", "Connection timed out");
    await run(3);
    expect((await jobRow("102-0")).failCount).toBe(1);
    fx.sim.model.networkFaults.delete("pve1->pve3");
    await run(12);
    expect((await jobRow("102-0")).failCount).toBe(0);
  }
  const alerts = await db.alert.findMany({ where: { rule: "job-failed", jobRowId: job.id } });
  expect(alerts).toHaveLength(1);
  expect((await jobRow("102-0")).failCount).toBe(0);
  expect(mailsFor(alerts[0]!.id)).toEqual([expect.stringMatching(/^fire:/)]);
});
