// Time from a replication failure in the simulator to the alert mail in a real SMTP server, with
// Proxmox push (webhook → immediate poll → evaluation → outbox → SMTP) and with polling only.
// Prints figures only: `npm run bench -- alerts [--interval 15]`
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { createChannel } from "@/lib/alerts/channels/channel-store";
import { startAlertEngine } from "@/lib/alerts/engine";
import { PUSH_SECRET_HEADER } from "@/lib/alerts/push/push-config";
import { verifyPushSecret } from "@/lib/alerts/push/push-targets";
import { registerPush } from "@/lib/alerts/push/register";
import { startSmtpSink } from "@/lib/alerts/test-support/smtp-sink";
import { startPoller } from "@/lib/poller/poller";
import { createClusterRow } from "@/lib/testing/cluster-row";
import { startSimulatorFixture } from "@/lib/testing/simulator-fixture";
import { createTestDb } from "@/lib/testing/test-db";

async function measure(mode: "push" | "polling", intervalSeconds: number): Promise<number> {
  const { db, cleanup } = createTestDb();
  const fx = await startSimulatorFixture({ scenario: "demo", seed: 1, startTime: Math.floor(Date.now() / 1000) - 3600, speed: 0 });
  // pve1 sends its initial full syncs one after the other; 102-0 has synced after about 35 minutes.
  for (let i = 0; i < 12; i++) fx.sim.advance(300);
  await createClusterRow(db, "demo", fx.sim.credentials.tokenId);
  const key = crypto.randomBytes(32);
  const smtp = await startSmtpSink();
  await createChannel(db, key, { name: "mail", kind: "email", enabled: true, minSeverity: "warning", config: { host: "127.0.0.1", port: smtp.port, security: "none", from: "standby@example.com", to: ["oncall@example.com"] }, secrets: {} });
  const client = fx.client();
  const engine = startAlertEngine({ db, encryptionKey: key, appUrl: "http://127.0.0.1", outboxTickMs: 1000, evaluateEveryMs: 60_000 });
  const poller = startPoller({ db, clients: { clientFor: () => client, retainOnly: () => undefined }, intervalSeconds, onCycle: (cluster) => void engine.evaluate([cluster.id]), log: { debug() {}, info() {}, warn() {}, error() {} } });
  // The app's receiving route, reduced to what it does: check the secret, trigger a poll.
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", async () => {
      const ok = (await verifyPushSecret(db, key, "demo", String(req.headers[PUSH_SECRET_HEADER.toLowerCase()] ?? ""))) === "ok";
      if (ok) poller.trigger("demo");
      res.writeHead(ok ? 202 : 401).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    if (mode === "push") {
      const registered = await registerPush(db, client, key, `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`, "demo", new Date());
      if (!registered.ok) throw new Error(registered.reason);
    }
    await poller.tickNow();
    await engine.evaluate();
    await engine.kick();
    const before = smtp.mails.length;
    fx.sim.model.networkFaults.set("pve1->pve3", "ssh: connect to host pve3 port 22: Connection timed out");
    // Step the simulated clock until 102-0's next run has failed; the clock starts there.
    let started = 0;
    for (let i = 0; i < 30 && started === 0; i++) {
      const t = performance.now();
      fx.sim.advance(60);
      if (fx.sim.model.performedRuns.some((r) => r.jobId === "102-0" && r.outcome === "failed")) started = t;
    }
    if (started === 0) throw new Error("102-0 did not fail");
    const deadline = Date.now() + (intervalSeconds + 30) * 1000;
    while (!smtp.mails.slice(before).some((m) => m.subject.includes("102-0"))) {
      if (Date.now() > deadline) throw new Error("no mail for 102-0");
      await new Promise((r) => setTimeout(r, 5));
    }
    return performance.now() - started;
  } finally {
    await poller.stop();
    await engine.stop();
    receiver.close();
    await smtp.close();
    await fx.close();
    await cleanup();
  }
}

async function main() {
  const { values } = parseArgs({ options: { interval: { type: "string", default: "15" } } });
  const interval = Number(values.interval);
  const push = await measure("push", interval);
  console.log(`failure → alert mail with push:          ${push.toFixed(0)} ms`);
  const polling = await measure("polling", interval);
  console.log(`failure → alert mail with polling only:  ${polling.toFixed(0)} ms (poll interval ${interval} s; expect up to one interval)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
