import crypto from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createClusterRow } from "@/lib/testing/cluster-row";
import { createTestDb } from "@/lib/testing/test-db";
import { createDb } from "@/lib/db/client";
import type { PrismaClient } from "@/prisma/generated/client";
import { deliverDue } from "../deliver-due";
import { buildTestMessage } from "../message";
import { enqueueAlertNotification } from "../outbox";
import { startHttpReceiver } from "../test-support/http-receiver";
import { startSmtpSink } from "../test-support/smtp-sink";
import { createChannel, listChannels } from "./channel-store";
import { WEBHOOK_SIGNATURE_HEADER } from "./channel-schemas";
import { deliver } from "./deliver";
import { signBody } from "./formats";
import { testChannel } from "./test-channel";

let db: PrismaClient;
let file: string;
let cleanup: () => Promise<void>;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let status = 200;
const key = crypto.randomBytes(32);
const now = () => new Date("2026-11-20T10:00:00Z");

beforeEach(async () => {
  ({ db, file, cleanup } = createTestDb());
  status = 200;
  receiver = await startHttpReceiver({ status: () => status });
}, 60_000);
afterEach(async () => {
  await receiver.close();
  await cleanup();
}, 60_000);

const message = () => buildTestMessage("ops", "https://standby.example.com", now());

it("sends every webhook format to a real HTTP receiver, the generic one signed with HMAC-SHA256", async () => {
  await deliver({ kind: "webhook", name: "w", config: { url: `${receiver.url}/hook` }, secrets: { hmacKey: "0123456789abcdef-key" } }, message());
  await deliver({ kind: "slack", name: "s", config: {}, secrets: { webhookUrl: `${receiver.url}/slack` } }, message());
  await deliver({ kind: "teams", name: "t", config: {}, secrets: { webhookUrl: `${receiver.url}/teams` } }, message());
  await deliver({ kind: "ntfy", name: "n", config: { serverUrl: receiver.url, topic: "pve" }, secrets: { token: "tk_ntfy" } }, message());
  await deliver({ kind: "gotify", name: "g", config: { serverUrl: receiver.url }, secrets: { appToken: "AppTok" } }, message());
  const [hook, slack, teams, ntfy, gotify] = receiver.requests;
  expect(hook!.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()]).toBe(signBody("0123456789abcdef-key", hook!.body));
  expect(JSON.parse(hook!.body)).toMatchObject({ source: "pve-standby", kind: "test", link: "https://standby.example.com/settings/alerts" });
  expect(JSON.parse(slack!.body).text).toContain("[TEST]");
  expect(JSON.parse(teams!.body).attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
  expect(ntfy!.headers.authorization).toBe("Bearer tk_ntfy");
  expect(JSON.parse(ntfy!.body)).toMatchObject({ topic: "pve", click: "https://standby.example.com/settings/alerts" });
  expect(gotify!.path).toBe("/message");
  expect(gotify!.headers["x-gotify-key"]).toBe("AppTok");
});

it("keeps secrets sealed and out of the channel list; send test reports the receiver's refusal", async () => {
  const created = await createChannel(db, key, { name: "hook", kind: "webhook", enabled: true, minSeverity: "warning", config: { url: receiver.url }, secrets: { hmacKey: "super-secret-signing-key" } });
  const row = await db.alertChannel.findUniqueOrThrow({ where: { id: created.id } });
  expect(row.secretSealed).not.toContain("super-secret");
  const listed = JSON.stringify(await listChannels(db, key));
  expect(listed).not.toContain("super-secret");
  expect(listed).toContain('"secretsSet":["hmacKey"]');
  status = 500;
  const result = await testChannel(db, key, created.id, { appUrl: "http://x", now });
  expect(result).toMatchObject({ ok: false, error: expect.stringContaining("answered 500") });
  status = 200;
  expect(await testChannel(db, key, created.id, { appUrl: "http://x", now })).toMatchObject({ ok: true });
});

it("retries a failed delivery with backoff, shown on the channel, and delivers it after a restart exactly once", async () => {
  const smtp = await startSmtpSink();
  try {
    await createClusterRow(db, "c1");
    const port = smtp.port;
    await smtp.close();
    const channel = await createChannel(db, key, { name: "mail", kind: "email", enabled: true, minSeverity: "warning", config: { host: "127.0.0.1", port, security: "none", from: "a@example.com", to: ["b@example.com"] }, secrets: {} });
    const alert = await db.alert.create({ data: { activeKey: "job-failed:j1", rule: "job-failed", severity: "critical", clusterId: "c1", clusterName: "c1", subjectType: "job", subjectId: "j1", title: "Job failed", detail: "d", link: "/replication/j1", startedAt: now(), lastSeenAt: now() } });
    expect(await enqueueAlertNotification(db, alert, "fire", { now: now(), appUrl: "http://x" })).toBe(1);

    // The SMTP server is down: the delivery stays queued with its error and a next attempt.
    expect(await deliverDue({ db, encryptionKey: key, now })).toMatchObject({ retrying: 1 });
    const [listed] = await listChannels(db, key);
    expect(listed).toMatchObject({ pending: 1, lastError: expect.stringContaining("SMTP 127.0.0.1") });
    expect(new Date(listed!.nextAttemptAt!).getTime()).toBe(now().getTime() + 15_000);

    // "Restart": a new database connection and a new server on the same port; the queued mail goes out once.
    await db.$disconnect();
    db = createDb(file);
    const again = await startSmtpSink({ port });
    try {
      const later = () => new Date(now().getTime() + 20_000);
      expect(await deliverDue({ db, encryptionKey: key, now: later })).toMatchObject({ delivered: 1 });
      expect(await deliverDue({ db, encryptionKey: key, now: later })).toMatchObject({ delivered: 0 });
      expect(again.mails).toHaveLength(1);
      expect(again.mails[0]!.subject).toBe("[FIRING] Job failed");
      expect((await db.alertDelivery.findFirstOrThrow()).status).toBe("delivered");
      expect(channel.id).toBeTruthy();
    } finally {
      await again.close();
    }
  } finally {
    await smtp.close().catch(() => undefined);
  }
});
