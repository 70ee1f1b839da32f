// Requests per poll cycle, pve-standby's read next to the per-job way other monitoring tools read
// replication (list the jobs, then GET /nodes/{source}/replication/{id}/status for each one, as
// Pulse does: /work/shared/docs/landscape.md §1.5), against the same simulated cluster over HTTPS
// in the same process. Requests are counted at the client's transport, not assumed.
// `npm run bench -- requests`
import { runPollCycle } from "@/lib/poller/run-cycle";
import { readClusterSnapshot } from "@/lib/poller/read-cluster";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { getClusterResources } from "@/lib/proxmox/cluster";
import { getReplicationJobStatus, listReplicationJobs } from "@/lib/proxmox/replication";
import { createBenchDb, createClusterRow, guestsForJobs, startLargeCluster, type RequestCounter } from "./lib/cluster";
import { report, runMain, type Figure } from "./lib/results";
import { sized } from "./lib/scale";
import { median } from "./lib/stats";

// BENCH_REQUEST_SIZE=30x5000 measures one size only (and reports it as its own part).
const ONLY = process.env.BENCH_REQUEST_SIZE?.match(/^(\d+)x(\d+)$/);
const NODES = ONLY ? [Number(ONLY[1])] : sized([3, 20, 30], [3, 20]);
const JOBS = ONLY ? [Number(ONLY[2])] : sized([100, 1000, 5000], [100, 300]);
const RUNS = sized(3, 2);
/** Both approaches read with the poller's bound on parallel requests to one cluster. */
const CONCURRENCY = 4;

/** The per-job way: the job list, where each guest lives, then one status request per job. */
async function readPerJob(client: ProxmoxClient): Promise<number> {
  const [jobs, resources] = await Promise.all([listReplicationJobs(client), getClusterResources(client)]);
  const nodeOf = new Map(resources.data.flatMap((r) => (r.vmid !== undefined && r.node ? [[r.vmid, r.node] as const] : [])));
  let next = 0;
  let read = 0;
  const worker = async () => {
    while (next < jobs.data.length) {
      const job = jobs.data[next++]!;
      const node = job.source ?? nodeOf.get(job.guest);
      if (!node) continue;
      await getReplicationJobStatus(client, node, job.id);
      read++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return read;
}

async function measure(counter: RequestCounter, fn: () => Promise<unknown>): Promise<{ requests: number; ms: number[] }> {
  const ms: number[] = [];
  let requests = 0;
  for (let i = 0; i < RUNS; i++) {
    counter.reset();
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
    requests = counter.total;
  }
  return { requests, ms };
}

async function main() {
  const figures: Figure[] = [];
  const rows: Record<string, unknown>[] = [];
  console.log("nodes   jobs | pve-standby read: req   ms | full cycle req | per-job: req      ms | ratio req  ratio ms");
  for (const nodes of NODES) {
    for (const wantedJobs of JOBS) {
      const cluster = await startLargeCluster(nodes, guestsForJobs(wantedJobs));
      const { client, counter } = cluster.client();
      const ours = await measure(counter, () => readClusterSnapshot(client, { nowSeconds: () => cluster.sim.now() }));
      const perJob = await measure(counter, () => readPerJob(client));

      // A whole steady cycle also fetches the log of each run that just ended: count those too.
      const bench = createBenchDb();
      await createClusterRow(bench.db, "large", cluster.sim.credentials.tokenId);
      const now = () => new Date(cluster.sim.now() * 1000);
      await runPollCycle("large", { db: bench.db, client, now });
      const cycleRequests: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        cluster.sim.advance(15);
        counter.reset();
        await runPollCycle("large", { db: bench.db, client, now });
        cycleRequests.push(counter.total);
      }
      await bench.close();

      const oursMs = median(ours.ms);
      const perJobMs = median(perJob.ms);
      const cycleReq = median(cycleRequests);
      const label = `${nodes} nodes / ${cluster.jobs} jobs`;
      console.log(
        `${String(nodes).padStart(5)} ${String(cluster.jobs).padStart(6)} | ${String(ours.requests).padStart(21)} ${oursMs.toFixed(0).padStart(4)} | ${String(cycleReq).padStart(14)} | ${String(perJob.requests).padStart(12)} ${perJobMs.toFixed(0).padStart(7)} | ${(perJob.requests / ours.requests).toFixed(0).padStart(9)} ${(perJobMs / oursMs).toFixed(1).padStart(9)}`,
      );
      figures.push(
        { name: `pve-standby read, ${label}`, value: ours.requests, unit: "requests", note: `nodes + 3 = ${nodes + 3}` },
        { name: `pve-standby read time, ${label}`, value: oursMs, unit: "ms", how: `median of ${RUNS}` },
        { name: `pve-standby steady cycle incl. logs, ${label}`, value: cycleReq, unit: "requests", how: `median of ${RUNS} cycles 15 s apart`, note: "adds one log read per run that just ended" },
        { name: `per-job read, ${label}`, value: perJob.requests, unit: "requests" },
        { name: `per-job read time, ${label}`, value: perJobMs, unit: "ms", how: `median of ${RUNS}` },
        { name: `ratio per-job / pve-standby, ${label}`, value: perJob.requests / ours.requests, unit: "× requests", note: `${(perJobMs / oursMs).toFixed(1)}× wall time` },
      );
      rows.push({ nodes, jobs: cluster.jobs, ours: { requests: ours.requests, ms: ours.ms, byPath: Object.fromEntries(counter.byPath) }, steadyCycleRequests: cycleRequests, perJob: { requests: perJob.requests, ms: perJob.ms } });
      client.close();
      await cluster.close();
    }
  }
  report(ONLY ? `requests-${ONLY[0]}` : "requests", figures, { concurrency: CONCURRENCY, rows });
}

runMain(main);
