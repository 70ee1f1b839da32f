// Latency of GET /nodes/{node}/replication in the `large` simulator scenario, in-process and
// over HTTPS. Prints figures only (no asserted timings): `npx tsx scripts/bench/simulator.ts [--nodes 20 --guests 2000]`
import { Agent, request } from "node:https";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { startServers } from "@/lib/simulator/server";
import { report, type Figure } from "./lib/results";
import { median } from "./lib/stats";
import { createSimulator } from "@/lib/simulator/simulator";

const figures: Figure[] = [];

function summary(label: string, samples: number[]): void {
  figures.push({ name: `GET /nodes/{node}/replication, ${label}`, value: median(samples), unit: "ms", how: `median of ${samples.length}` });
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  console.log(`${label.padEnd(34)} n=${String(sorted.length).padStart(4)}  median ${at(0.5).toFixed(2)} ms  p95 ${at(0.95).toFixed(2)} ms  max ${at(1).toFixed(2)} ms`);
}

function get(agent: Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      let size = 0;
      res.on("data", (c: Buffer) => (size += c.length));
      res.on("end", () => (res.statusCode === 200 ? resolve(size) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { nodes: { type: "string", default: "20" }, guests: { type: "string", default: "2000" } } });
  const nodes = Number(values.nodes);
  const guests = Number(values.guests);

  let t = performance.now();
  const sim = createSimulator({ scenario: "large", nodes, guests, seed: 1, startTime: Date.now() / 1000 - 86_400, speed: 1 });
  console.log(`scenario large: ${nodes} nodes, ${guests} guests, ${sim.model.jobs.size} jobs (built in ${(performance.now() - t).toFixed(0)} ms)`);
  t = performance.now();
  sim.advance(86_400);
  console.log(`warm-up: 24 h of scheduler ticks processed in ${(performance.now() - t).toFixed(0)} ms`);

  const headers = { authorization: `PVEAPIToken=${sim.credentials.tokenId}=${sim.credentials.tokenSecret}` };
  const inProcess: number[] = [];
  let rows = 0;
  for (let i = 0; i < 400; i++) {
    const node = sim.nodeNames[i % sim.nodeNames.length] as string;
    const start = performance.now();
    const res = await sim.handle(node, { method: "GET", url: `/api2/json/nodes/${node}/replication`, headers });
    inProcess.push(performance.now() - start);
    if (i === 0) rows = (JSON.parse(res.body) as { data: unknown[] }).data.length;
  }
  console.log(`jobs per node listing: ${rows}`);
  summary("in-process handler", inProcess);

  const dir = await mkdtemp(join(tmpdir(), "pve-sim-bench-"));
  const servers = await startServers(sim, { port: 0, dataDir: dir });
  const agent = new Agent({ keepAlive: true, ca: servers.caCert, maxSockets: 1 });
  const overHttps: number[] = [];
  for (let i = 0; i < 200; i++) {
    const endpoint = servers.endpoints[i % servers.endpoints.length]!;
    const start = performance.now();
    await get(agent, `${endpoint.url}/api2/json/nodes/${endpoint.node}/replication`, headers);
    overHttps.push(performance.now() - start);
  }
  summary("HTTPS (keep-alive, 127.0.0.1)", overHttps);
  agent.destroy();
  await servers.close();
  await rm(dir, { recursive: true, force: true });
  report("simulator", figures);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
