// Time from a replication failure in the simulator to the alert mail in a real SMTP server, with
// Proxmox push (webhook → immediate poll → evaluation → outbox → SMTP) and with polling only.
// Each mode runs several times; the median is reported, with where the time went in the median
// run (webhook received, poll cycle done, evaluation done, mail in the SMTP server).
// Prints figures only: `npm run bench -- alerts [--interval 15] [--runs 5]`
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { createChannel } from "@/lib/alerts/channels/channel-store";
import { evaluateAfterPoll } from "@/lib/alerts/after-poll";
import { startAlertEngine } from "@/lib/alerts/engine";
import { PUSH_SECRET_HEADER } from "@/lib/alerts/push/push-config";
import { verifyPushSecret } from "@/lib/alerts/push/push-targets";
import { registerPush } from "@/lib/alerts/push/register";
import { startSmtpSink } from "@/lib/alerts/test-support/smtp-sink";
import { startPoller } from "@/lib/poller/poller";
import { createClusterRow } from "@/lib/testing/cluster-row";
import { startSimulatorFixture } from "@/lib/testing/simulator-fixture";
import { createTestDb } from "@/lib/testing/test-db";
import { report } from "./lib/results";
import { median } from "./lib/stats";

type Stages = { total: number; pushed?: number; polled?: number; evaluated?: number };

async function measure(mode: "push" | "polling", intervalSeconds: number): Promise<Stages> {
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
  const marks: Omit<Stages, "total"> = {};
  let armed = false;
  const mark = (stage: keyof typeof marks) => {
    if (armed && marks[stage] === undefined) marks[stage] = performance.now();
  };
  const afterPoll = evaluateAfterPoll({
    evaluate: async (ids) => {
      mark("polled");
      const summary = await engine.evaluate(ids);
      if (summary && summary.queued > 0) mark("evaluated");
      return summary;
    },
  });
  const poller = startPoller({ db, clients: { clientFor: () => client, retainOnly: () => undefined }, intervalSeconds, onCycle: afterPoll, log: { debug() {}, info() {}, warn() {}, error() {} } });
  // The app's receiving route, reduced to what it does: check the secret, trigger a poll.
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", async () => {
      mark("pushed");
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
    armed = true;
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
    const rel = (t: number | undefined) => (t === undefined ? undefined : t - started);
    return { total: performance.now() - started, pushed: rel(marks.pushed), polled: rel(marks.polled), evaluated: rel(marks.evaluated) };
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
  const { values } = parseArgs({ options: { interval: { type: "string", default: "15" }, runs: { type: "string", default: "5" } } });
  const interval = Number(values.interval);
  const runs = Number(values.runs);
  const stages = (r: Stages) => `webhook in ${fmt(r.pushed)}, poll done ${fmt(r.polled)}, evaluated ${fmt(r.evaluated)}, mail ${fmt(r.total)}`;
  const figures = [];
  for (const mode of ["push", "polling"] as const) {
    const results: Stages[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await measure(mode, interval);
      console.log(`  ${mode} run ${i + 1}: ${stages(r)}`);
      results.push(r);
    }
    const mid = median(results.map((r) => r.total));
    const typical = results.reduce((a, b) => (Math.abs(b.total - mid) < Math.abs(a.total - mid) ? b : a));
    figures.push({
      name: mode === "push" ? "failure → alert mail, with push" : `failure → alert mail, polling only (interval ${interval} s)`,
      value: mid,
      unit: "ms",
      how: `median of ${runs}`,
      ...(mode === "push" ? { target: 1000 } : {}),
      note: mode === "push" ? `median run: ${stages(typical)}` : "expect up to one poll interval",
    });
  }
  report("alerts", figures);
}

const fmt = (ms: number | undefined) => (ms === undefined ? "—" : `${ms.toFixed(0)} ms`);

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
