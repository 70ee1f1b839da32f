// Poll cycle time: the first cycle (every row created) and steady cycles, on the `large`
// scenario over HTTPS into a real SQLite file; then several clusters polled at once by one
// process, as lib/poller/poller.ts does (each cluster's cycle runs concurrently).
// `npm run bench -- poll-cycle`
import { runPollCycle } from "@/lib/poller/run-cycle";
import { createBenchDb, createClusterRow, guestsForJobs, startLargeCluster, type SimCluster } from "./lib/cluster";
import { report, runMain, type Figure } from "./lib/results";
import { sized } from "./lib/scale";
import { median } from "./lib/stats";

const SIZES = sized(
  [
    { nodes: 20, jobs: 2000 },
    { nodes: 30, jobs: 5400 },
  ],
  [{ nodes: 20, jobs: 300 }],
);
const FIRST_RUNS = sized(3, 2);
const STEADY_CYCLES = sized(6, 3);
const MULTI = sized({ clusters: 5, nodes: 20, jobs: 2000 }, { clusters: 2, nodes: 3, jobs: 200 });
const INTERVAL = 15;

/** The first cycle on a fresh database, then steady cycles INTERVAL seconds apart. */
async function cycles(cluster: SimCluster, steady: number): Promise<{ first: number; steady: number[] }> {
  const { client } = cluster.client();
  const bench = createBenchDb();
  await createClusterRow(bench.db, "large", cluster.sim.credentials.tokenId);
  const now = () => new Date(cluster.sim.now() * 1000);
  const times: number[] = [];
  for (let i = 0; i <= steady; i++) {
    if (i > 0) cluster.sim.advance(INTERVAL);
    const t = performance.now();
    const result = await runPollCycle("large", { db: bench.db, client, now });
    times.push(performance.now() - t);
    if (!result.ok) throw new Error(`cycle failed: ${result.failure.message}`);
  }
  client.close();
  await bench.close();
  return { first: times[0]!, steady: times.slice(1) };
}

async function main() {
  const figures: Figure[] = [];
  const raw: Record<string, unknown>[] = [];
  for (const size of SIZES) {
    const cluster = await startLargeCluster(size.nodes, guestsForJobs(size.jobs));
    const label = `${size.nodes} nodes / ${cluster.jobs} jobs`;
    const firsts: number[] = [];
    let steady: number[] = [];
    for (let run = 0; run < FIRST_RUNS; run++) {
      const result = await cycles(cluster, run === 0 ? STEADY_CYCLES : 0);
      firsts.push(result.first);
      if (run === 0) steady = result.steady;
    }
    figures.push(
      { name: `first cycle (rows created), ${label}`, value: median(firsts) / 1000, unit: "s", how: `median of ${FIRST_RUNS} fresh databases`, ...(cluster.jobs >= 5000 ? { target: 3 } : {}) },
      { name: `steady cycle, ${label}`, value: median(steady) / 1000, unit: "s", how: `median of ${steady.length}, ${INTERVAL} s apart`, ...(cluster.jobs <= 2500 ? { target: 0.5 } : {}) },
    );
    raw.push({ ...size, actualJobs: cluster.jobs, firstMs: firsts, steadyMs: steady });
    await cluster.close();
  }

  // Several clusters, one process: every cycle of a round runs at once.
  const clusters = await Promise.all(Array.from({ length: MULTI.clusters }, (_, i) => startLargeCluster(MULTI.nodes, guestsForJobs(MULTI.jobs), { seed: i + 1 })));
  const bench = createBenchDb();
  const polled = await Promise.all(
    clusters.map(async (cluster, i) => {
      await createClusterRow(bench.db, `large-${i}`, cluster.sim.credentials.tokenId);
      return { cluster, id: `large-${i}`, client: cluster.client().client, now: () => new Date(cluster.sim.now() * 1000) };
    }),
  );
  const rounds: number[] = [];
  const perCluster: number[] = [];
  for (let round = 0; round <= STEADY_CYCLES; round++) {
    if (round > 0) for (const p of polled) p.cluster.sim.advance(INTERVAL);
    const t = performance.now();
    const times = await Promise.all(
      polled.map(async (p) => {
        const started = performance.now();
        const result = await runPollCycle(p.id, { db: bench.db, client: p.client, now: p.now });
        if (!result.ok) throw new Error(`cycle failed: ${result.failure.message}`);
        return performance.now() - started;
      }),
    );
    rounds.push(performance.now() - t);
    if (round > 0) perCluster.push(...times);
  }
  const totalJobs = clusters.reduce((sum, c) => sum + c.jobs, 0);
  const label = `${MULTI.clusters} clusters × ${MULTI.nodes} nodes, ${totalJobs} jobs`;
  figures.push(
    { name: `first round (rows created), ${label}`, value: rounds[0]! / 1000, unit: "s", how: "all clusters at once" },
    { name: `steady round, ${label}`, value: median(rounds.slice(1)) / 1000, unit: "s", how: `median of ${rounds.length - 1} rounds, wall time until every cluster is done`, target: INTERVAL, note: "must stay under the poll interval" },
    { name: `steady cycle per cluster in that round`, value: median(perCluster) / 1000, unit: "s", how: `median of ${perCluster.length}` },
  );
  raw.push({ multi: MULTI, totalJobs, roundMs: rounds, perClusterMs: perCluster });
  for (const p of polled) p.client.close();
  await bench.close();
  await Promise.all(clusters.map((c) => c.close()));
  report("poll-cycle", figures, { raw });
}

runMain(main);
