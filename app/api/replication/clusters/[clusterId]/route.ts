// GET /api/replication/clusters/:clusterId – nodes, poll health and guests with their protection
import { notFound, readRoute } from "@/lib/http/read-guard";
import { getClusterReplication } from "@/lib/replication/queries";

export const GET = readRoute("replication.read", async ({ db, params }) => {
  const detail = await getClusterReplication(db, params.clusterId ?? "");
  return detail ? { data: detail } : notFound("Cluster");
});
