// One poll cycle and the overview query at scale: the large simulator scenario (default 30 nodes,
// 6,000 guests, about 5,300 jobs) over HTTPS into a real SQLite file. Prints figures only:
// `npx tsx --conditions=react-server scripts/bench/poller.ts [--nodes 30 --guests 6000 --cycles 5]`
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { runPollCycle } from "@/lib/poller/run-cycle";
import { createProxmoxClient } from "@/lib/proxmox/client";
import { parseOverviewFilters } from "@/lib/replication/overview-filters";
import { getReplicationOverview } from "@/lib/replication/queries";
import { startServers } from "@/lib/simulator/server";
import { createSimulator } from "@/lib/simulator/simulator";

async function main() {
  const { values } = parseArgs({ options: { nodes: { type: "string", default: "30" }, guests: { type: "string", default: "6000" }, cycles: { type: "string", default: "5" } } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-bench-"));
  const sim = createSimulator({ scenario: "large", nodes: Number(values.nodes), guests: Number(values.guests), seed: 1, startTime: Date.now() / 1000 - 3600, speed: 0 });
  sim.advance(3600);
  const servers = await startServers(sim, { port: 0, dataDir: path.join(dir, "sim") });
  const file = path.join(dir, "bench.db");
  applyMigrations(file, path.join(process.cwd(), "prisma", "migrations"));
  const db = createDb(file);
  await db.cluster.create({ data: { id: "large", name: "large", endpoints: "[]", authKind: "token", principal: sim.credentials.tokenId, secretSealed: "-", trustKind: "fingerprint", trustValue: "[]" } });
  const client = createProxmoxClient({
    endpoints: servers.endpoints.map((e) => ({ host: "127.0.0.1", port: e.port })),
    auth: { kind: "token", tokenId: sim.credentials.tokenId, secret: sim.credentials.tokenSecret },
    trust: { kind: "fingerprint", sha256: servers.endpoints.map((e) => e.fingerprint) },
  });
  console.log(`scenario large: ${sim.nodeNames.length} nodes, ${sim.model.guests.size} guests, ${sim.model.jobs.size} jobs`);
  const now = () => new Date(sim.now() * 1000);
  const cycles: number[] = [];
  for (let i = 0; i < Number(values.cycles); i++) {
    sim.advance(15);
    const t = performance.now();
    const result = await runPollCycle("large", { db, client, now });
    cycles.push(performance.now() - t);
    if (!result.ok) throw new Error(`cycle failed: ${result.failure.message}`);
  }
  console.log(`poll cycle (first = all rows created): ${cycles.map((ms) => `${ms.toFixed(0)} ms`).join(", ")}`);
  console.log(`steady cycle: ${(cycles.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, cycles.length - 1)).toFixed(0)} ms per cycle for ${sim.model.jobs.size} jobs (interval 15 000 ms)`);
  const queries: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await getReplicationOverview(db, parseOverviewFilters(new URLSearchParams(i % 2 ? "sort=lag&dir=desc" : "status=failing")));
    queries.push(performance.now() - t);
  }
  queries.sort((a, b) => a - b);
  console.log(`overview query (50 rows of ${sim.model.jobs.size}): median ${queries[10]!.toFixed(1)} ms, max ${queries[19]!.toFixed(1)} ms`);
  client.close();
  await servers.close();
  await db.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
