// PUT /api/clusters/:clusterId/enabled – pause or resume polling of a cluster
import { setClusterEnabled } from "@/lib/clusters/clusters";
import { setClusterEnabledSchema } from "@/lib/clusters/schemas";
import { guardedRoute } from "@/lib/http/guarded-route";
import { triggerPoll } from "@/lib/poller/app-poller";

export const PUT = guardedRoute(
  { permission: "cluster.manage", action: "cluster.update", body: setClusterEnabledSchema, target: (p) => ({ type: "cluster", id: p.clusterId ?? "" }) },
  async ({ db, body, params }) => {
    const { before, after } = await setClusterEnabled(db, params.clusterId ?? "", body.enabled);
    if (after.enabled) triggerPoll(after.id);
    return { data: { id: after.id, enabled: after.enabled }, audit: { details: { name: after.name, before: { enabled: before.enabled }, after: { enabled: after.enabled } } } };
  },
);
