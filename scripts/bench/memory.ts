// Memory of a poller process: a separate process runs the poller's cycle against the `large`
// simulator (in this process, over HTTPS) through two simulated days, and reports its resident
// set after each cycle. The clock is simulated: each step moves it STEP seconds and polls once,
// so a day is DAY / STEP cycles (each a full cycle: read, write, logs, rollup/prune).
// `npm run bench -- memory`
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { guestsForJobs, startLargeCluster } from "./lib/cluster";
import { report, runMain, type Figure } from "./lib/results";
import { sized } from "./lib/scale";
import { median } from "./lib/stats";

const DAY = 86_400;
const NODES = sized(20, 3);
const JOBS = sized(2000, 200);
const STEP = sized(3600, 3600 * 4);

type Reply = { ready?: boolean; ok?: boolean; ms?: number; rss?: number; heap?: number; error?: string };

function ask(child: ChildProcess, message: object | null): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the poller process exited (${code})`));
    child.once("exit", onExit);
    child.once("message", (reply: Reply) => {
      child.off("exit", onExit);
      resolve(reply);
    });
    if (message) child.send(message);
  });
}

async function main() {
  const cluster = await startLargeCluster(NODES, guestsForJobs(JOBS));
  const setup = { endpoints: cluster.servers.endpoints.map((e) => ({ port: e.port, fingerprint: e.fingerprint })), tokenId: cluster.sim.credentials.tokenId, secret: cluster.sim.credentials.tokenSecret };
  const child = fork(path.join(__dirname, "lib", "poller-child.ts"), [], {
    execArgv: ["--import", "tsx", "--conditions=react-server"],
    env: { ...process.env, BENCH_POLLER_SETUP: JSON.stringify(setup) },
  });
  await ask(child, null);
  const days: { rss: number[]; ms: number[] }[] = [];
  for (let day = 0; day < 2; day++) {
    const rss: number[] = [];
    const ms: number[] = [];
    for (let t = 0; t < DAY; t += STEP) {
      cluster.sim.advance(STEP);
      const reply = await ask(child, { now: cluster.sim.now() });
      if (!reply.ok) throw new Error(`cycle failed: ${reply.error ?? "not ok"}`);
      rss.push(reply.rss! / 1024 / 1024);
      ms.push(reply.ms!);
    }
    days.push({ rss, ms });
    console.log(`day ${day + 1}: ${rss.length} cycles, RSS ${rss.map((r) => r.toFixed(0)).join(" ")} MiB`);
  }
  await ask(child, { stop: true }).catch(() => undefined);
  const [first, second] = days as [{ rss: number[]; ms: number[] }, { rss: number[]; ms: number[] }];
  const endOf = (d: { rss: number[] }) => median(d.rss.slice(-3));
  const label = `${NODES} nodes / ${cluster.jobs} jobs`;
  const figures: Figure[] = [
    { name: `poller RSS after a simulated day, ${label}`, value: endOf(first), unit: "MiB", how: "median of the day's last 3 cycles", target: 300 },
    { name: `poller RSS peak during day 1`, value: Math.max(...first.rss), unit: "MiB" },
    { name: `poller RSS after a second simulated day`, value: endOf(second), unit: "MiB", how: "median of the day's last 3 cycles", target: 300 },
    { name: `RSS growth over the second day`, value: endOf(second) - endOf(first), unit: "MiB", note: `cycle every ${STEP} simulated s, ${first.rss.length} cycles a day` },
  ];
  report("memory", figures, { step: STEP, days });
  await cluster.close();
}

runMain(main);
