import { z } from "zod";
import { nudgeAlerts } from "@/lib/alerts/app-deps";
import { triggerFailoverExecutor } from "@/lib/failover/app-executor";
import { recordFailbackChoice } from "@/lib/failover/failback-choice";
import { FAILBACK_CHOICES } from "@/lib/failover/failback-types";
import { guardedRoute } from "@/lib/http/guarded-route";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ vmid: z.coerce.number().int().min(100), choice: z.enum(FAILBACK_CHOICES) });

/** POST {vmid, choice}: the holder's keep/discard for one guest of a failback hold (audited). */
export const POST = guardedRoute(
  { permission: "failover.execute", action: "failover.failback_choice", body: bodySchema, target: (p) => ({ type: "failover", id: p.operationId ?? "" }) },
  async ({ body, params, db, user }) => {
    const { message } = await recordFailbackChoice(db, { operationId: params.operationId ?? "", vmid: body.vmid, choice: body.choice, user: { id: user.id, label: user.email }, now: Date.now() });
    triggerFailoverExecutor();
    // The failback-decision alert ends with the choice: resolve it now, not at the next poll.
    nudgeAlerts();
    return { data: { message }, audit: { details: { ...body, message } } };
  },
);
