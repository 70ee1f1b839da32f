// GET /api/health/clusters/:clusterId – the poller's health for one cluster, with the failure
// texts and the loop's state, for the cluster page (replication.read).
import { getEnv } from "@/lib/env";
import { notFound, readRoute } from "@/lib/http/read-guard";
import { readPollerHealth, type ClusterPollerHealth } from "@/lib/poller/health";

export const GET = readRoute("replication.read", async ({ db, params }) => {
  const health = await readPollerHealth(db, new Date(), { intervalSeconds: getEnv().POLL_INTERVAL_SECONDS, clusterId: params.clusterId ?? "" });
  const cluster = health.clusters[0];
  if (!cluster) return notFound("Cluster");
  return { data: { cluster, loop: health.loop, readAt: new Date().toISOString() } satisfies ClusterPollerHealth };
});
