import crypto from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { notificationsOf, shouldNotifyAtFailCount } from "@/lib/simulator/notifications";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { startHttpReceiver } from "../test-support/http-receiver";
import { PUSH_SECRET_HEADER } from "./push-config";
import { verifyPushSecret } from "./push-targets";
import { registerPush } from "./register";

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
const key = crypto.randomBytes(32);

beforeEach(async () => {
  ({ db, fx, cleanup } = await startSimulatedCluster());
  receiver = await startHttpReceiver();
}, 60_000);
afterEach(async () => {
  await receiver.close();
  await cleanup();
}, 60_000);

it("gates like _should_mail_at_failcount: 1, 2, 3, then 48·2^k", () => {
  const notified = Array.from({ length: 800 }, (_, i) => i).filter(shouldNotifyAtFailCount);
  expect(notified).toEqual([1, 2, 3, 48, 96, 192, 384, 768]);
});

it("registers itself with the simulated cluster, which then pushes replication failures with the secret header over real HTTP", { timeout: 90_000 }, async () => {
  const result = await registerPush(db, fx.client(), key, receiver.url, "demo", new Date());
  expect(result).toEqual({ ok: true, created: ["webhook target pve-standby", "matcher pve-standby-matcher"] });
  // Registering again replaces the old target instead of failing on the name.
  expect((await registerPush(db, fx.client(), key, receiver.url, "demo", new Date())).ok).toBe(true);
  const notifications = notificationsOf(fx.sim.model);
  expect([...notifications.matchers.values()][0]?.matchField).toEqual(["exact:type=replication,fencing"]);

  // 102-0 syncs first (about 35 minutes of initial full syncs on pve1), then its link breaks.
  fx.sim.advance(45 * 60);
  fx.sim.model.networkFaults.set("pve1->pve3", "ssh: connect to host pve3 port 22: Connection timed out");
  // Failures 1, 2, 3 (retries after 5, 10, 15 minutes), then 4 and 5 every 30 minutes: only three pushes.
  for (let i = 0; i < 140; i++) fx.sim.advance(60);
  await notifications.flush();
  const pushes = receiver.requests.filter((r) => r.path === "/api/proxmox-push/demo").map((r) => ({ ...r, json: JSON.parse(r.body) as { title: string; severity: string; fields: Record<string, string>; message: string } }));
  const forJob = pushes.filter((p) => p.json.fields["job-id"] === "102-0");
  expect(forJob.map((p) => p.json.message.match(/Failure count: (\d+)/)?.[1])).toEqual(["1", "2", "3"]);
  expect(forJob[0]!.json).toMatchObject({ title: "Replication Job: '102-0' failed", severity: "error", fields: { type: "replication", hostname: "pve1" } });
  expect(forJob[2]!.json.message).toContain("reduce the frequency of error reports");
  expect([...notifications.webhooks.values()][0]?.header.map((h) => h.name)).toEqual([PUSH_SECRET_HEADER]);

  // The header carries the secret Proxmox keeps; the receiver accepts it and nothing else.
  const presented = forJob[0]!.headers[PUSH_SECRET_HEADER.toLowerCase()] as string;
  expect(await verifyPushSecret(db, key, "demo", presented)).toBe("ok");
  expect(await verifyPushSecret(db, key, "demo", `${presented}x`)).toBe("bad-secret");
  expect(await verifyPushSecret(db, key, "demo", null)).toBe("bad-secret");
  expect(await verifyPushSecret(db, key, "other", presented)).toBe("unknown-cluster");
  // GET never returns the secret.
  const listed = await fx.client().call({ method: "GET", path: "/cluster/notifications/endpoints/webhook" as never, schema: (await import("zod")).z.unknown() });
  expect(JSON.stringify(listed.data)).not.toContain(presented);
});

it("a fenced node is pushed as type=fencing", { timeout: 60_000 }, async () => {
  await registerPush(db, fx.client(), key, receiver.url, "demo", new Date());
  fx.sim.advance(600);
  fx.sim.setNodeOnline("pve1", false);
  fx.sim.advance(600);
  await notificationsOf(fx.sim.model).flush();
  const fence = receiver.requests.map((r) => JSON.parse(r.body) as { fields: Record<string, string> }).find((b) => b.fields.type === "fencing");
  expect(fence?.fields.hostname).toBe("pve1");
});

it("says which privileges a read-only token lacks and gives the configuration to paste", async () => {
  const auditor = fx.client({ auth: { kind: "token", tokenId: fx.sim.credentials.auditorTokenId, secret: fx.sim.credentials.auditorTokenSecret } });
  const result = await registerPush(db, auditor, key, receiver.url, "demo", new Date());
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.missingPrivileges.join(" ")).toMatch(/Mapping\.Modify|Sys\.Modify/);
  expect(result.pasteCommands).toContain("pvesh create /cluster/notifications/endpoints/webhook --name pve-standby");
  expect(result.pasteCommands).toContain("pvesh create /cluster/notifications/matchers --name pve-standby-matcher --target pve-standby --match-field 'exact:type=replication,fencing'");
  expect(notificationsOf(fx.sim.model).webhooks.size).toBe(0);
});
