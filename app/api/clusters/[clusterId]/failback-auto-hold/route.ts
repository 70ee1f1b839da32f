// GET / PUT /api/clusters/:clusterId/failback-auto-hold – whether pve-standby holds replication
// back to a dead node by itself once its guests run elsewhere (lib/failover/auto-hold.ts). Admins.
import { getCluster, setFailbackAutoHold } from "@/lib/clusters/clusters";
import { setFailbackAutoHoldSchema } from "@/lib/clusters/schemas";
import { guardedRoute } from "@/lib/http/guarded-route";
import { readRoute } from "@/lib/http/read-guard";

export const dynamic = "force-dynamic";

export const GET = readRoute("cluster.manage", async ({ db, params }) => {
  const cluster = await getCluster(db, params.clusterId ?? "");
  return { data: { failbackAutoHold: cluster.failbackAutoHold } };
});

export const PUT = guardedRoute(
  { permission: "cluster.manage", action: "cluster.update", body: setFailbackAutoHoldSchema, target: (p) => ({ type: "cluster", id: p.clusterId ?? "" }) },
  async ({ db, body, params }) => {
    const { before, after } = await setFailbackAutoHold(db, params.clusterId ?? "", body.failbackAutoHold);
    return {
      data: { id: after.id, failbackAutoHold: after.failbackAutoHold },
      audit: { details: { name: after.name, before: { failbackAutoHold: before.failbackAutoHold }, after: { failbackAutoHold: after.failbackAutoHold } } },
    };
  },
);
