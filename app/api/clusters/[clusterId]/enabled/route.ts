// PUT /api/clusters/:clusterId/enabled – pause or resume polling of a cluster
import { appClusterClients } from "@/lib/clusters/cluster-clients";
import { setClusterEnabled } from "@/lib/clusters/clusters";
import { setClusterEnabledSchema } from "@/lib/clusters/schemas";
import { guardedRoute } from "@/lib/http/guarded-route";
import { triggerPoll } from "@/lib/poller/app-poller";

export const PUT = guardedRoute(
  { permission: "cluster.manage", action: "cluster.update", body: setClusterEnabledSchema, target: (p) => ({ type: "cluster", id: p.clusterId ?? "" }) },
  async ({ db, body, params }) => {
    const { before, after } = await setClusterEnabled(db, params.clusterId ?? "", body.enabled);
    // Closed here, not only by the poller's next tick: a process that runs no poller
    // (POLLER_ENABLED=0) would otherwise keep a paused cluster's sockets open.
    if (after.enabled) triggerPoll(after.id);
    else appClusterClients().forget(after.id);
    return { data: { id: after.id, enabled: after.enabled }, audit: { details: { name: after.name, before: { enabled: before.enabled }, after: { enabled: after.enabled } } } };
  },
);
