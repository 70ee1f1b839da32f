import { recordAudit } from "@/lib/audit/record-audit";
import { createClusterRecord } from "@/lib/clusters/clusters";
import { buildClientForCluster } from "@/lib/clusters/connection";
import { runPollCycle } from "@/lib/poller/run-cycle";
import type { RunningServers } from "@/lib/simulator/server";
import type { Simulator } from "@/lib/simulator/simulator";
import type { PrismaClient } from "@/prisma/generated/client";

export const DEMO_CLUSTER_NAME = "demo";

/**
 * Registers the running simulator as cluster "demo", pinned to its node certificates, the way
 * an admin would through the UI. The simulator keeps no state between runs, so a previous demo
 * cluster and its history are replaced rather than continued with a different past.
 */
export async function registerDemoCluster(db: PrismaClient, sim: Simulator, servers: RunningServers, encryptionKey: Buffer) {
  await db.cluster.deleteMany({ where: { name: DEMO_CLUSTER_NAME } });
  const cluster = await createClusterRecord(
    db,
    {
      name: DEMO_CLUSTER_NAME,
      spec: {
        endpoints: servers.endpoints.map((e) => ({ host: "127.0.0.1", port: e.port })),
        auth: { kind: "token", tokenId: sim.credentials.tokenId, secret: sim.credentials.tokenSecret },
        trust: { kind: "fingerprint", sha256: servers.endpoints.map((e) => e.fingerprint) },
      },
    },
    { encryptionKey },
  );
  await recordAudit(db, {
    actor: { id: null, label: "demo", type: "system" },
    action: "cluster.create",
    outcome: "success",
    target: { type: "cluster", id: DEMO_CLUSTER_NAME },
    details: { after: { endpoints: servers.endpoints.map((e) => `127.0.0.1:${e.port}`), trust: "fingerprint" } },
  });
  return cluster;
}

/**
 * Replays the simulator's past into history with the real poller: the simulator clock starts
 * `seconds` back and advances `stepSeconds` at a time, with one poll cycle over HTTPS at each
 * step, so the first page already shows a day of runs, logs and lag that really happened.
 */
export async function warmUpHistory(
  db: PrismaClient,
  sim: Simulator,
  cluster: Parameters<typeof buildClientForCluster>[0],
  options: { encryptionKey: Buffer; seconds: number; stepSeconds: number; onProgress?: (done: number, total: number) => void },
) {
  const client = buildClientForCluster(cluster, { encryptionKey: options.encryptionKey });
  const steps = Math.ceil(options.seconds / options.stepSeconds);
  const now = () => new Date(sim.now() * 1000);
  let failures = 0;
  try {
    for (let i = 0; i < steps; i++) {
      sim.advance(options.stepSeconds);
      const result = await runPollCycle(cluster.id, { db, client, now });
      if (!result.ok) failures++;
      options.onProgress?.(i + 1, steps);
    }
  } finally {
    client.close();
  }
  return { steps, failures };
}
