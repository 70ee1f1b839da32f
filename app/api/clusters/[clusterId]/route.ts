// PATCH /api/clusters/:clusterId – edit (connection changes are tested first); DELETE – remove, keeping or deleting history
import { getServerSecrets } from "@/lib/server-secrets";
import { appClusterClients } from "@/lib/clusters/cluster-clients";
import { auditShape, deleteCluster, updateCluster } from "@/lib/clusters/clusters";
import { deleteClusterSchema, updateClusterSchema } from "@/lib/clusters/schemas";
import { guardedRoute } from "@/lib/http/guarded-route";
import { triggerPoll } from "@/lib/poller/app-poller";

const target = (p: Record<string, string>) => ({ type: "cluster", id: p.clusterId ?? "" });

export const PATCH = guardedRoute({ permission: "cluster.manage", action: "cluster.update", body: updateClusterSchema, target }, async ({ db, body, params }) => {
  const { before, after, tested, report } = await updateCluster(db, params.clusterId ?? "", body, { encryptionKey: getServerSecrets().encryptionKey });
  if (tested) triggerPoll(after.id);
  return {
    data: { id: after.id, name: after.name, tested, report },
    audit: { details: { before: auditShape(before), after: auditShape(after), tested, credentialReplaced: Boolean(body.secret?.trim()) } },
  };
});

export const DELETE = guardedRoute({ permission: "cluster.manage", action: "cluster.delete", body: deleteClusterSchema, target }, async ({ db, body, params }) => {
  const { before, jobs } = await deleteCluster(db, params.clusterId ?? "", { keepHistory: body.keepHistory });
  // Its sockets close now, also in a process without a poller (whose tick would otherwise do it).
  appClusterClients().forget(before.id);
  return {
    data: { id: before.id, keepHistory: body.keepHistory },
    audit: { details: { before: auditShape(before), keepHistory: body.keepHistory, jobs } },
  };
});
