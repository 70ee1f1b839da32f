// GET /api/clusters – the clusters list for any signed-in user; POST – test, then add a cluster (cluster.manage)
import { getSessionUser } from "@/lib/auth/session";
import { getServerSecrets } from "@/lib/server-secrets";
import { addCluster, auditShape } from "@/lib/clusters/clusters";
import { listClustersForUi } from "@/lib/clusters/queries";
import { createClusterSchema } from "@/lib/clusters/schemas";
import { getDb } from "@/lib/db/app-db";
import { guardedRoute, json } from "@/lib/http/guarded-route";
import { triggerPoll } from "@/lib/poller/app-poller";

export async function GET(): Promise<Response> {
  const user = await getSessionUser();
  if (!user) return json(401, { error: "Sign in first." });
  if (user.mustChangePassword) return json(403, { error: "Change your password first." });
  return json(200, await listClustersForUi(getDb()));
}

export const POST = guardedRoute({ permission: "cluster.manage", action: "cluster.create", body: createClusterSchema }, async ({ db, body }) => {
  const { cluster, report } = await addCluster(db, body, { encryptionKey: getServerSecrets().encryptionKey });
  triggerPoll(cluster.id);
  return {
    status: 201,
    data: { id: cluster.id, name: cluster.name, report },
    audit: {
      target: { type: "cluster", id: cluster.id },
      details: { after: auditShape(cluster), version: report.version.version, nodes: report.nodes.map((n) => n.name) },
    },
  };
});
