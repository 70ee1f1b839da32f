import { z } from "zod";
import { withFailoverClient } from "@/lib/failover/app-deps";
import { triggerFailoverExecutor } from "@/lib/failover/app-executor";
import { startFailbackHold } from "@/lib/failover/failback-plan";
import { guardedRoute } from "@/lib/http/guarded-route";

export const dynamic = "force-dynamic";

const startSchema = z.object({
  clusterId: z.string().min(1),
  node: z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/, "not a node name"),
  vmids: z.array(z.coerce.number().int().min(100)).min(1).optional(),
});

/** Starts a failback hold: disables the turned-around jobs (and HA's failback) until keep or discard. */
export const POST = guardedRoute({ permission: "failover.execute", action: "failover.start", body: startSchema }, async ({ body, db, user }) => {
  const created = await withFailoverClient(db, body.clusterId, (deps) => startFailbackHold(deps, body, { id: user.id, label: user.email }));
  triggerFailoverExecutor();
  return { status: 201, data: { id: created.id }, audit: { target: { type: "failover", id: created.id }, details: { ...body, title: created.title, leftAlone: created.leftAlone } } };
});
