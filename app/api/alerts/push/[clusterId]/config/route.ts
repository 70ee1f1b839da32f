// POST /api/alerts/push/:clusterId/config (cluster.manage) – the commands to paste on a node (they carry the secret)
import { z } from "zod";
import { alertAppContext } from "@/lib/alerts/app-deps";
import { pushPasteConfig } from "@/lib/alerts/push/push-targets";
import { UserError } from "@/lib/auth/users";
import { guardedRoute } from "@/lib/http/guarded-route";

export const POST = guardedRoute(
  { permission: "cluster.manage", action: "alert.push_register", body: z.object({}).loose(), target: (p) => ({ type: "cluster", id: p.clusterId ?? "" }) },
  async ({ db, params }) => {
    if (!(await db.cluster.findUnique({ where: { id: params.clusterId ?? "" } }))) throw new UserError("That cluster does not exist.");
    const ctx = alertAppContext();
    return { data: { commands: await pushPasteConfig(db, ctx.encryptionKey, ctx.appUrl, params.clusterId ?? "") }, audit: { details: { shown: "paste configuration" } } };
  },
);
