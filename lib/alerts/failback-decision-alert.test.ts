import crypto from "node:crypto";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, beforeEach, expect, it } from "vitest";
import { controlOperation } from "@/lib/failover/control";
import { advanceOperation } from "@/lib/failover/engine";
import { recordFailbackChoice } from "@/lib/failover/failback-choice";
import { startPoller, type Poller } from "@/lib/poller/poller";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { createChannel } from "./channels/channel-store";
import { deliverDue } from "./deliver-due";
import { evaluateAlerts } from "./evaluate";
import { collectMetrics } from "./metrics/collect";
import { startSmtpSink } from "./test-support/smtp-sink";

// The failback-decision alert end to end: the simulated cluster over HTTPS, the real poller (its
// after-poll step places the automatic hold), the failover executor, a real SQLite file, and the
// mails in an SMTP server on loopback. pve1 dies, HA recovers vm:100 to pve2, pve-standby holds
// its turned-around job, and the alert says a person must choose, before and after pve1 returns.

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
let poller: Poller | undefined;
let current: ProxmoxClient;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
const key = crypto.randomBytes(32);
const operator = { id: "user-2", label: "sam@example.com" };
const silent = { debug() {}, info() {}, warn() {}, error() {} };

beforeEach(async () => {
  ({ db, fx, cleanup } = await startSimulatedCluster());
  // vm:100's first full sync (232 GiB at 80 MB/s) takes most of an hour.
  fx.sim.advance(3 * 3600);
  current = fx.client();
  poller = startPoller({ db, clients: { clientFor: () => current, retainOnly: () => undefined }, now: () => new Date(now()), intervalSeconds: 15, tickMs: 3_600_000, log: silent });
  smtp = await startSmtpSink({ auth: { user: "alerts", pass: "s3cret-pass" } });
  await createChannel(db, key, {
    name: "on-call mail", kind: "email", enabled: true, minSeverity: "critical",
    config: { host: "127.0.0.1", port: smtp.port, security: "none", username: "alerts", from: "standby@example.com", to: ["oncall@example.com"] },
    secrets: { password: "s3cret-pass" },
  });
}, 60_000);
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
  await smtp.close();
  await cleanup();
}, 60_000);

const now = () => fx.sim.now() * 1000;
const simDate = () => new Date(now());

/** The poller's cycles `seconds` apart, each followed by the alert evaluation and delivery, as the app does. */
async function poll(seconds: number, cycles: number) {
  for (let i = 0; i < cycles; i++) {
    fx.sim.advance(seconds);
    await poller!.tickNow();
    await evaluateAlerts({ db, now: simDate, appUrl: "https://standby.example.com" }, ["demo"]);
    await deliverDue({ db, encryptionKey: key, now: simDate });
  }
}

/** The failover executor's passes over one operation, as its loop runs them. */
async function passes(operationId: string, count: number) {
  let state = "running";
  for (let i = 0; i < count && state === "running"; i++) {
    state = (await advanceOperation({ db, clientFor: () => current, now }, operationId, current)).state;
    fx.sim.advance(5);
  }
  return state;
}

const decisionAlerts = () => db.alert.findMany({ where: { rule: "failback-decision" } });
const mailsFor = (alertId: string) => smtp.mails.filter((m) => m.headers["x-pve-standby-alert"] === alertId).map((m) => `${m.headers["x-pve-standby-kind"]}: ${m.subject}`);
/** The mail's body as written (nodemailer sends it quoted-printable, with soft line breaks). */
const quotedPrintable = (raw: string) => Buffer.from(raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8");
async function activeGauge() {
  const families = parsePrometheusTextFormat((await collectMetrics(db, simDate())).body) as { name: string; metrics: { value: string; labels?: Record<string, string> }[] }[];
  return Number(families.find((f) => f.name === "pve_standby_alerts_active")?.metrics.find((m) => m.labels?.rule === "failback-decision")?.value);
}

it("a failback hold waiting for keep/discard alerts once while pve1 is down, stays one alert when pve1 returns, and resolves with one mail after an operator's choice", { timeout: 240_000 }, async () => {
  await poll(60, 3);
  expect(await activeGauge()).toBe(0);

  // pve1 dies; the survivors are polled until HA has recovered vm:100 to pve2 and pve-standby held its job.
  fx.sim.setNodeOnline("pve1", false);
  current = fx.client({ endpoints: ["pve2", "pve3"].map((n) => fx.endpoint(n)) });
  for (let i = 0; i < 80 && (await db.failoverOperation.count({ where: { kind: "failback" } })) === 0; i++) await poll(15, 1);
  const op = await db.failoverOperation.findFirstOrThrow({ where: { kind: "failback" } });
  expect(op).toMatchObject({ sourceNode: "pve1", createdByLabel: "pve-standby" });
  expect(await passes(op.id, 10)).toBe("running");
  expect(fx.sim.model.jobs.get("100-0")).toMatchObject({ source: "pve2", target: "pve1" });
  expect(fx.sim.model.jobs.get("100-0")?.disable).toBeTruthy();

  // The hold is in place while pve1 is still down: the alert says so, once over many polls.
  await poll(15, 8);
  const [down, ...others] = await decisionAlerts();
  expect(others).toEqual([]);
  expect(down).toMatchObject({ severity: "critical", resolvedAt: null, clusterName: "demo", link: "/failover?cluster=demo&node=pve1" });
  expect(down!.title).toMatch(/^Failback of VM 100 .* waits for a decision: keep or discard pve1's writes \(pve1 is still down\)$/);
  expect(down!.detail).toContain("pve1 is still offline (as of the last poll): the hold was placed in advance");
  expect(down!.detail).toContain("Replication pve2 → pve1 (job 100-0) is held: the job is disabled");
  expect(down!.jobRowId).toBe((await db.replicationJob.findUniqueOrThrow({ where: { clusterId_jobId: { clusterId: "demo", jobId: "100-0" } } })).id);
  expect(mailsFor(down!.id)).toEqual([expect.stringMatching(/^fire: \[FIRING\] Failback of VM 100 .* waits for a decision/)]);
  const fired = smtp.mails.find((m) => m.headers["x-pve-standby-alert"] === down!.id)!;
  expect(quotedPrintable(fired.raw)).toContain("Open: https://standby.example.com/failover?cluster=demo&node=pve1");
  expect(quotedPrintable(fired.raw)).toContain("is held: the job is disabled");
  expect(await activeGauge()).toBe(1);

  // pve1 returns: the same alert now says it is back; no second alert, no second mail.
  fx.sim.setNodeOnline("pve1", true);
  current = fx.client();
  for (let i = 0; i < 20 && !(await decisionAlerts())[0]?.title.endsWith("(pve1 is back)"); i++) {
    await poll(60, 1);
    await passes(op.id, 1);
  }
  const [back, ...more] = await decisionAlerts();
  expect(more).toEqual([]);
  expect(back).toMatchObject({ id: down!.id, resolvedAt: null });
  expect(back!.title).toMatch(/\(pve1 is back\)$/);
  expect(back!.detail).toContain("pve1 is back online with the writes it made after its last sync");
  expect(mailsFor(down!.id)).toHaveLength(1);
  expect(fx.sim.model.jobs.get("100-0")?.disable).toBeTruthy();

  // An operator chooses: the next evaluation resolves it and sends one resolved notice.
  await recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "discard", user: operator, now: now() });
  await poll(15, 1);
  const resolved = await db.alert.findUniqueOrThrow({ where: { id: down!.id } });
  expect(resolved.resolvedAt).not.toBeNull();
  expect(mailsFor(down!.id).map((m) => m.split(":")[0])).toEqual(["fire", "resolved"]);
  expect(await activeGauge()).toBe(0);

  // The hold goes on to re-enable and sync; nothing opens the alert again.
  expect(await passes(op.id, 400)).toBe("succeeded");
  await poll(15, 2);
  expect(await decisionAlerts()).toHaveLength(1);
  expect(await db.alertDelivery.count({ where: { alertId: down!.id, status: { not: "delivered" } } })).toBe(0);
});

it("an abandoned hold resolves its alert; a rule turned off for the cluster opens none", { timeout: 240_000 }, async () => {
  await db.alertRuleSetting.create({ data: { scope: "cluster", scopeId: "demo", rule: "failback-decision", enabled: false } });
  await poll(60, 3);
  fx.sim.setNodeOnline("pve1", false);
  current = fx.client({ endpoints: ["pve2", "pve3"].map((n) => fx.endpoint(n)) });
  for (let i = 0; i < 80 && (await db.failoverOperation.count({ where: { kind: "failback" } })) === 0; i++) await poll(15, 1);
  const op = await db.failoverOperation.findFirstOrThrow({ where: { kind: "failback" } });
  expect(await passes(op.id, 10)).toBe("running");
  await poll(15, 2);
  expect(await decisionAlerts()).toEqual([]);

  // Back on: it opens; an operator abandons the hold (a person's decision too): it resolves.
  await db.alertRuleSetting.deleteMany({ where: { rule: "failback-decision" } });
  await poll(15, 1);
  const [open] = await decisionAlerts();
  expect(open?.resolvedAt).toBeNull();
  await controlOperation(db, op.id, operator.id, "abandon");
  expect(await passes(op.id, 3)).toBe("abandoned");
  await poll(15, 1);
  expect((await db.alert.findUniqueOrThrow({ where: { id: open!.id } })).resolvedAt).not.toBeNull();
  expect(mailsFor(open!.id).map((m) => m.split(":")[0])).toEqual(["fire", "resolved"]);
});
