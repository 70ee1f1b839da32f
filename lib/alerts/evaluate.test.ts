import crypto from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createClusterRow } from "@/lib/testing/cluster-row";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { acknowledgeAlert, createSilence, saveRuleSetting } from "./actions";
import { createChannel } from "./channels/channel-store";
import { evaluateAlerts } from "./evaluate";

let db: PrismaClient;
let cleanup: () => Promise<void>;
let clock = new Date("2026-11-20T12:00:00Z");
const minutes = (m: number) => (clock = new Date(clock.getTime() + m * 60_000));
const deps = () => ({ db, now: () => clock, appUrl: "http://standby" });

beforeEach(async () => {
  ({ db, cleanup } = createTestDb());
  clock = new Date("2026-11-20T12:00:00Z");
  await createClusterRow(db, "c1");
  // A healthy, just-polled cluster (the poller's health needs a heartbeat and a recent poll).
  await db.cluster.update({ where: { id: "c1" }, data: { lastPollAt: clock, lastPollOkAt: clock, clockSkewMs: 0 } });
  await db.pollerHeartbeat.create({ data: { holder: "p", startedAt: clock, lastTickAt: clock, lastTickOkAt: clock } });
  await createChannel(db, crypto.randomBytes(32), { name: "hook", kind: "webhook", enabled: true, minSeverity: "warning", config: { url: "http://127.0.0.1:9/x" }, secrets: { hmacKey: "0123456789abcdef0123" } });
}, 60_000);
afterEach(() => cleanup(), 60_000);

async function job(jobId: string, failCount: number, lastSyncAgo = 60) {
  const now = Math.floor(clock.getTime() / 1000);
  return db.replicationJob.upsert({
    where: { clusterId_jobId: { clusterId: "c1", jobId } },
    create: { clusterId: "c1", jobId, vmid: Number(jobId.split("-")[0]), jobnum: 0, source: "pve1", target: "pve2", schedule: "*/15", status: failCount ? "failing" : "ok", failCount, error: failCount ? "boom" : null, lastSync: now - lastSyncAgo },
    update: { failCount, status: failCount ? "failing" : "ok", error: failCount ? "boom" : null, lastSync: now - lastSyncAgo },
  });
}

async function tick() {
  await db.cluster.update({ where: { id: "c1" }, data: { lastPollAt: clock, lastPollOkAt: clock } });
  await db.pollerHeartbeat.update({ where: { holder: "p" }, data: { lastTickAt: clock, lastTickOkAt: clock } });
  return evaluateAlerts(deps(), ["c1"]);
}

const kinds = async (alertId: string) => (await db.alertDelivery.findMany({ where: { alertId }, orderBy: { createdAt: "asc" } })).map((d) => d.kind);

it("a cluster threshold and a job override decide which failures alert", async () => {
  const a = await job("100-0", 2);
  const b = await job("101-0", 5);
  await saveRuleSetting(db, { scope: "cluster", scopeId: "c1", rule: "job-failed", enabled: null, threshold: 3, repeatSeconds: null, clearAfterSeconds: null });
  await saveRuleSetting(db, { scope: "job", scopeId: b.id, rule: "job-failed", enabled: false, threshold: null, repeatSeconds: null, clearAfterSeconds: null });
  await tick();
  expect(await db.alert.count({ where: { rule: "job-failed" } })).toBe(0);
  await job("100-0", 3);
  await tick();
  expect((await db.alert.findMany({ where: { rule: "job-failed" } })).map((x) => x.jobRowId)).toEqual([a.id]);
});

it("a silence holds notifications back until it expires; acknowledging stops reminders but not the resolved notice", async () => {
  await job("100-0", 1);
  await createSilence(db, { rule: "job-failed", clusterId: null, jobRowId: null, subjectId: null, durationMinutes: 30, reason: "maintenance" }, "op@example.com", clock);
  await tick();
  const alert = await db.alert.findFirstOrThrow({ where: { rule: "job-failed" } });
  expect(await kinds(alert.id)).toEqual([]);
  minutes(31);
  await tick();
  expect(await kinds(alert.id)).toEqual(["fire"]);
  await acknowledgeAlert(db, alert.id, "op@example.com", clock);
  minutes(5 * 60);
  await tick();
  expect(await kinds(alert.id)).toEqual(["fire"]);
  await job("100-0", 0);
  await tick();
  minutes(16);
  await tick();
  expect(await kinds(alert.id)).toEqual(["fire", "resolved"]);
  expect((await db.alert.findUniqueOrThrow({ where: { id: alert.id } })).resolvedAt).not.toBeNull();
});

it("a cluster that stops answering opens one cluster alert and keeps job alerts as they were", async () => {
  await job("100-0", 1);
  await tick();
  await db.cluster.update({ where: { id: "c1" }, data: { lastPollAt: minutes(1), lastError: "connect ECONNREFUSED", lastErrorKind: "unreachable" } });
  await evaluateAlerts(deps(), ["c1"]);
  await job("100-0", 0);
  minutes(30);
  await db.cluster.update({ where: { id: "c1" }, data: { lastPollAt: clock } });
  await db.pollerHeartbeat.update({ where: { holder: "p" }, data: { lastTickAt: clock, lastTickOkAt: clock } });
  await evaluateAlerts(deps(), ["c1"]);
  const open = await db.alert.findMany({ where: { resolvedAt: null } });
  expect(open.map((a) => a.rule).sort()).toEqual(["cluster-unreachable", "job-failed"]);
});

it("a poller that stopped polling raises poller-behind", async () => {
  await tick();
  minutes(10);
  await db.pollerHeartbeat.update({ where: { holder: "p" }, data: { lastTickAt: clock, lastTickOkAt: clock } });
  await evaluateAlerts(deps(), ["c1"]);
  expect((await db.alert.findMany({ where: { resolvedAt: null } })).map((a) => a.rule)).toEqual(["poller-behind"]);
});
