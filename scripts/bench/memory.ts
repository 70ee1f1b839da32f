// Memory of the poller with 2,000 jobs: a separate process runs the poller's own cycle
// (runPollCycle: read, write, logs, history rollup and prune) against the `large` simulator (in
// this process, over HTTPS), through two simulated days, and reports its resident set.
// The process is started the way `npm run poller` starts the poller: package.json's command
// (loader, node options, environment) read by scripts/lib/npm-script.ts, on this part's driver.
// How the day is simulated: the simulator's clock is frozen and only moves when told; each step
// moves it STEP seconds (every job syncs on its schedule meanwhile) and then polls once, so a day
// is DAY / STEP full cycles, each finding a STEP's worth of runs, samples and history to store
// and roll up. Polling every 15 s for real would be 5,760 cycles a day, about 40 minutes at
// 0.4 s each; a longer step makes each cycle hold more (more runs ended, more to roll up), not
// less, and the database holds a whole day's history either way. A leak shows as growth from
// cycle to cycle, which samples taken after a forced GC show without the garbage's noise; the
// sample is read once V8 has returned the freed pages (BENCH_MEMORY_SETTLE_MS, 1 s), as the poller
// idles most of each interval. Each sample is split by kind of mapping (/proc/<pid>/smaps).
// `npm run bench -- memory` (BENCH_MEMORY_STEP=<seconds> changes the step; BENCH_MEMORY_GC=0
// skips the forced GC to show what V8 alone gives back while idle)
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { npmScriptCommand } from "../lib/npm-script";
import { guestsForJobs, startLargeCluster } from "./lib/cluster";
import { report, runMain, type Figure } from "./lib/results";
import { sized } from "./lib/scale";
import { processBreakdown, type RssBreakdown } from "./lib/smaps";
import { median } from "./lib/stats";

const DAY = 86_400;
const NODES = sized(20, 3);
const JOBS = sized(2000, 200);
const STEP = Number(process.env.BENCH_MEMORY_STEP ?? sized(3 * 3600, 4 * 3600));
const MiB = 1024 * 1024;

type Reply = { ready?: boolean; ok?: boolean; ms?: number; rss?: number; rssAtGc?: number; rssAfterGc?: number; heapAfterGc?: number; heapTotal?: number; error?: string };
type Day = { rss: number[]; rssAtGc: number[]; rssAfterGc: number[]; heapAfterGc: number[]; heapTotal: number[]; ms: number[]; parts: RssBreakdown[] };

/** Must match the child's settle time (scripts/bench/lib/poller-child.ts). */
const SETTLE_MS = Number(process.env.BENCH_MEMORY_SETTLE_MS ?? 1000);

function describeParts(p: RssBreakdown): string {
  const m = (bytes: number) => `${(bytes / MiB).toFixed(0)}`;
  return `files ${m(p.files)}, malloc ${m(p.mallocHeap + p.mallocArenas)} (main ${m(p.mallocHeap)} + arenas ${m(p.mallocArenas)}), Wasm ${m(p.wasm)}, other anonymous (V8 heap and code, threads) ${m(p.otherAnonymous)} MiB`;
}

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

/** Least-squares slope of `values` against their index (MiB per cycle). */
function slope(values: number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((v, i) => {
    num += (i - mx) * (v - my);
    den += (i - mx) ** 2;
  });
  return num / den;
}

async function main() {
  const cluster = await startLargeCluster(NODES, guestsForJobs(JOBS));
  const setup = { endpoints: cluster.servers.endpoints.map((e) => ({ port: e.port, fingerprint: e.fingerprint })), tokenId: cluster.sim.credentials.tokenId, secret: cluster.sim.credentials.tokenSecret };
  // Started as `npm run poller` starts the poller (package.json's command: its loader, node
  // options and environment), on the bench's driver instead of scripts/poller.ts.
  const poller = npmScriptCommand("poller");
  const child = fork(path.join(__dirname, "lib", "poller-child.ts"), [], {
    execArgv: [...poller.nodeArgs, "--expose-gc"],
    env: { ...process.env, ...poller.env, BENCH_POLLER_SETUP: JSON.stringify(setup) },
  });
  await ask(child, null);
  // The first cycle creates every row; the days start from a polled cluster.
  const first = await ask(child, { now: cluster.sim.now() });
  if (!first.ok) throw new Error(`first cycle failed: ${first.error ?? "not ok"}`);
  console.log(`first cycle (rows created): ${(first.ms! / 1000).toFixed(1)} s`);
  const days: Day[] = [];
  for (let day = 0; day < 2; day++) {
    const d: Day = { rss: [], rssAtGc: [], rssAfterGc: [], heapAfterGc: [], heapTotal: [], ms: [], parts: [] };
    for (let t = 0; t < DAY; t += STEP) {
      cluster.sim.advance(STEP);
      const reply = await ask(child, { now: cluster.sim.now() });
      if (!reply.ok) throw new Error(`cycle failed: ${reply.error ?? "not ok"}`);
      // Read from outside while the child idles, right after it answered.
      const parts = processBreakdown(child.pid!);
      d.rss.push(reply.rss! / MiB);
      d.rssAtGc.push(reply.rssAtGc! / MiB);
      d.rssAfterGc.push(reply.rssAfterGc! / MiB);
      d.heapAfterGc.push(reply.heapAfterGc! / MiB);
      d.heapTotal.push(reply.heapTotal! / MiB);
      d.ms.push(reply.ms!);
      if (parts) d.parts.push(parts);
      console.log(
        `day ${day + 1}, cycle ${d.ms.length}/${DAY / STEP}: ${(reply.ms! / 1000).toFixed(1)} s, RSS ${d.rss.at(-1)!.toFixed(0)} MiB at the end, ${d.rssAfterGc.at(-1)!.toFixed(0)} MiB after GC; JS heap ${d.heapAfterGc.at(-1)!.toFixed(0)} of ${d.heapTotal.at(-1)!.toFixed(0)} MiB${parts ? `; ${describeParts(parts)}` : ""}`,
      );
    }
    days.push(d);
    console.log(`day ${day + 1}: ${d.rss.length} cycles (median ${(median(d.ms) / 1000).toFixed(1)} s), RSS after GC ${d.rssAfterGc.map((r) => r.toFixed(0)).join(" ")} MiB`);
  }
  await ask(child, { stop: true }).catch(() => undefined);
  const [day1, day2] = days as [Day, Day];
  const endOf = (values: number[]) => median(values.slice(-3));
  const label = `${NODES} nodes / ${cluster.jobs} jobs`;
  const how = `median of the day's last 3 cycles, after a forced GC and ${SETTLE_MS / 1000} s idle`;
  const simulated = `${DAY / STEP} cycles a simulated day, the clock moved ${STEP / 3600} h before each (a frozen simulator clock, not real time)`;
  const started = `started as npm run poller starts it: ${[...Object.entries(poller.env).map(([k, v]) => `${k}=${v}`), "node", ...poller.nodeArgs].join(" ")}`;
  const lastParts = day2.parts.at(-1);
  const figures: Figure[] = [
    { name: `poller RSS after a simulated day, ${label}`, value: endOf(day1.rssAfterGc), unit: "MiB", how, target: 300, note: `${simulated}; ${started}` },
    { name: "poller RSS after a second simulated day", value: endOf(day2.rssAfterGc), unit: "MiB", how, target: 300 },
    { name: "RSS growth over the second day", value: endOf(day2.rssAfterGc) - endOf(day1.rssAfterGc), unit: "MiB", how: "day 2 − day 1, each as above", note: `trend over day 2: ${slope(day2.rssAfterGc).toFixed(2)} MiB per cycle` },
    { name: "JS heap after GC, end of day 2", value: endOf(day2.heapAfterGc), unit: "MiB", how, note: `V8 heap committed: ${endOf(day2.heapTotal).toFixed(0)} MiB; end of day 1: ${endOf(day1.heapAfterGc).toFixed(1)} MiB used` },
    ...(lastParts ? [{ name: "where the RSS is, last cycle", value: lastParts.total / MiB, unit: "MiB", how: "/proc/<pid>/smaps by kind of mapping", note: describeParts(lastParts) }] : []),
    { name: "poller RSS right after the forced GC, end of day 2", value: endOf(day2.rssAtGc), unit: "MiB", how: "median of the day's last 3 cycles, read in the same tick as the GC", note: "counts pages the GC freed that V8 had not yet returned (previous versions of this part reported this)" },
    {
      name: "poller RSS between cycles without a forced GC, both days",
      value: median([...day1.rss, ...day2.rss]),
      unit: "MiB",
      how: `median of ${day1.rss.length + day2.rss.length}, read at the end of each cycle before the forced GC`,
      target: 300,
      note: "what ps shows between polls: a run with BENCH_MEMORY_GC=0 read the same after 12 s idle (V8 had collected nothing)",
    },
    { name: "poller RSS peak (end of a cycle, before GC), both days", value: Math.max(...day1.rss, ...day2.rss), unit: "MiB" },
    { name: "poll cycle in these days", value: median([...day1.ms, ...day2.ms]) / 1000, unit: "s", how: `median of ${day1.ms.length + day2.ms.length}`, note: `each cycle stores ${STEP / 3600} h of runs, samples and rollups` },
  ];
  report("memory", figures, { step: STEP, firstCycleMs: first.ms, days });
  await cluster.close();
}

runMain(main);
