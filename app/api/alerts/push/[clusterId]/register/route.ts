// POST /api/alerts/push/:clusterId/register (cluster.manage) – create pve-standby's webhook target
// and matcher on the cluster; without the privileges, answer which are missing and what to paste.
import { z } from "zod";
import { alertAppContext } from "@/lib/alerts/app-deps";
import { registerPush } from "@/lib/alerts/push/register";
import { UserError } from "@/lib/auth/users";
import { appClusterClients } from "@/lib/clusters/cluster-clients";
import { guardedRoute } from "@/lib/http/guarded-route";

export const POST = guardedRoute(
  { permission: "cluster.manage", action: "alert.push_register", body: z.object({}).loose(), target: (p) => ({ type: "cluster", id: p.clusterId ?? "" }) },
  async ({ db, params }) => {
    const cluster = await db.cluster.findUnique({ where: { id: params.clusterId ?? "" } });
    if (!cluster) throw new UserError("That cluster does not exist.");
    const ctx = alertAppContext();
    const client = await appClusterClients().clientForCluster(cluster);
    const result = await registerPush(db, client, ctx.encryptionKey, ctx.appUrl, cluster.id, ctx.now());
    return { data: result, audit: { details: result.ok ? { created: result.created } : { reason: result.reason, missingPrivileges: result.missingPrivileges } } };
  },
);
