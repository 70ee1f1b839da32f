import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { createChannel } from "@/lib/alerts/channels/channel-store";
import { startSmtpSink } from "@/lib/alerts/test-support/smtp-sink";
import { createDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { registerDemoCluster } from "@/lib/demo/demo-cluster";
import { parseEnv } from "@/lib/env";
import { requestPoll } from "@/lib/poller/poll-request";
import { loadServerSecrets } from "@/lib/server-secrets";
import { createClusterRow } from "@/lib/testing/cluster-row";
import { SIM_START, startSimulatorFixture } from "@/lib/testing/simulator-fixture";
import { npmScriptCommand } from "./lib/npm-script";

// `npm run poller` as its own process: it takes the lease of the cluster it polls, records what
// goes wrong (here a credential it cannot decrypt), and gives the lease back on SIGTERM, so a
// restarted poller polls at once instead of after the lease lapses.
const ROOT = path.resolve(__dirname, "..");
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  // A test that failed before its SIGTERM must not leave a poller running after the suite.
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * `npm run poller` on `dataDir`, started with package.json's own command (node itself with tsx as
 * a loader, not a wrapper), so SIGTERM reaches the poller itself.
 */
function startPollerProcess(dataDir: string, intervalSeconds: number) {
  const poller = npmScriptCommand("poller");
  const child = spawn(process.execPath, [...poller.nodeArgs, poller.script, ...poller.args], {
    cwd: ROOT,
    env: { ...process.env, ...poller.env, DATA_DIR: dataDir, POLL_INTERVAL_SECONDS: String(intervalSeconds), LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let text = "";
  child.stdout.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr.on("data", (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => text, exited };
}

it("records a crashing cycle and releases its lease on SIGTERM", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-poller-"));
  dirs.push(dataDir);
  const file = path.join(dataDir, "pve-standby.db");
  applyMigrations(file, path.join(ROOT, "prisma", "migrations"));
  const db = createDb(file);
  try {
    await createClusterRow(db, "c1");
    const { child, output, exited } = startPollerProcess(dataDir, 1);

    await expect.poll(() => db.pollerLease.count(), { timeout: 90_000 }).toBe(1);
    await expect.poll(async () => (await db.cluster.findUniqueOrThrow({ where: { id: "c1" } })).pollFailures, { timeout: 30_000 }).toBeGreaterThan(0);
    const row = await db.cluster.findUniqueOrThrow({ where: { id: "c1" } });
    expect(row.lastPollFailure).toMatch(/^Poll cycle crashed: /);

    child.kill("SIGTERM");
    expect(await exited, output()).toBe(0);
    expect(output()).toMatch(/"cluster":"c1".*"msg":"Poll cycle crashed"/);
    expect(await db.pollerLease.count()).toBe(0);
    expect(await db.pollerHeartbeat.findFirst({ where: { stoppedAt: { not: null } } })).not.toBeNull();
    expect(output()).toContain("Poller stopped; leases released");
  } finally {
    await db.$disconnect();
  }
}, 150_000);

/**
 * A data folder with the schema, the HTTPS simulator of the demo and an SMTP server; the demo
 * cluster and a mail channel are added when the test says so (after moving the simulator on).
 */
async function startMailingWorld() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-poller-"));
  dirs.push(dataDir);
  const file = path.join(dataDir, "pve-standby.db");
  applyMigrations(file, path.join(ROOT, "prisma", "migrations"));
  // The key the poller process will read from the same data folder.
  const { encryptionKey } = loadServerSecrets(parseEnv({ ...process.env, DATA_DIR: dataDir }));
  const db = createDb(file);
  const fx = await startSimulatorFixture({ scenario: "demo", seed: 1, startTime: SIM_START, speed: 0 });
  const smtp = await startSmtpSink();
  const addDemoClusterWithMail = async () => {
    await registerDemoCluster(db, fx.sim, fx.servers, encryptionKey);
    await createChannel(db, encryptionKey, { name: "mail", kind: "email", enabled: true, minSeverity: "warning", config: { host: "127.0.0.1", port: smtp.port, security: "none", from: "standby@example.com", to: ["oncall@example.com"] }, secrets: {} });
  };
  return { dataDir, db, fx, smtp, addDemoClusterWithMail };
}

it("evaluates the alerts after its polls and sends the mail, as the app does, with the poll's request count stored", async () => {
  const { dataDir, db, fx, smtp, addDemoClusterWithMail } = await startMailingWorld();
  try {
    // Two hours in, the demo's job to a nearly full storage (105-0) has failed.
    fx.sim.advance(7200);
    await addDemoClusterWithMail();
    const { child, output, exited } = startPollerProcess(dataDir, 5);

    await expect.poll(() => smtp.mails.filter((m) => m.subject.includes("105-0")).length, { timeout: 90_000, interval: 200 }).toBe(1);
    const mail = smtp.mails.find((m) => m.subject.includes("105-0"))!;
    expect(mail.headers["x-pve-standby-kind"]).toBe("fire");
    const alert = await db.alert.findUniqueOrThrow({ where: { id: mail.headers["x-pve-standby-alert"] } });
    expect(alert.rule).toBe("job-failed");
    // The row is marked delivered just after the SMTP server accepted the mail.
    await expect.poll(async () => (await db.alertDelivery.findFirstOrThrow({ where: { alertId: alert.id } })).status, { timeout: 10_000 }).toBe("delivered");
    // One mail for the alert, however many polls saw the job failing (other alerts may fire on a slow machine).
    expect(await db.alertDelivery.count({ where: { alertId: alert.id } })).toBe(1);
    // The cycle counted its Proxmox calls at the client and stored them with the poll.
    const cluster = await db.cluster.findFirstOrThrow({ where: { name: "demo" } });
    expect(cluster.lastPollRequests).toBeGreaterThan(0);
    expect(cluster.lastPollMs).not.toBeNull();

    child.kill("SIGTERM");
    expect(await exited, output()).toBe(0);
    expect(output()).not.toMatch(/Alert evaluation failed|Alert outbox failed/);
    expect(await db.alertEngineRun.count({ where: { holder: { not: null } } })).toBe(0);
  } finally {
    await smtp.close();
    await fx.close();
    await db.$disconnect();
  }
}, 150_000);

it("polls a cluster at once when a poll is requested through the database (a push reaching an app whose own poller is off)", async () => {
  const { dataDir, db, fx, smtp, addDemoClusterWithMail } = await startMailingWorld();
  try {
    await addDemoClusterWithMail();
    const cluster = await db.cluster.findFirstOrThrow({ where: { name: "demo" } });
    // Five minutes between scheduled polls: only the requested poll can run within this test.
    const { child, output, exited } = startPollerProcess(dataDir, 300);

    const firstJob = () => db.replicationJob.findFirst({ where: { clusterId: cluster.id, jobId: "105-0" } });
    await expect.poll(async () => (await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } })).lastPollAt, { timeout: 90_000, interval: 200 }).not.toBeNull();
    const firstPollAt = (await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } })).lastPollAt!;
    // The first poll, at the simulation's start, found the job healthy.
    expect((await firstJob())!.failCount).toBe(0);

    // Two hours later the job to the nearly full storage fails; Proxmox would push that, and the
    // push route calls triggerPoll, which marks the cluster with this function.
    fx.sim.advance(7200);
    await requestPoll(db, cluster.id);

    await expect.poll(() => smtp.mails.filter((m) => m.subject.includes("105-0")).length, { timeout: 60_000, interval: 200 }).toBe(1);
    const polled = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    expect(polled.lastPollAt!.getTime()).toBeGreaterThan(firstPollAt.getTime());
    expect(polled.pollRequestedAt).toBeNull();
    expect((await firstJob())!.failCount).toBeGreaterThan(0);

    child.kill("SIGTERM");
    expect(await exited, output()).toBe(0);
    expect(output()).not.toMatch(/Could not clear the cluster's poll request/);
  } finally {
    await smtp.close();
    await fx.close();
    await db.$disconnect();
  }
}, 150_000);
