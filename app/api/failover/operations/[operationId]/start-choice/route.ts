import { z } from "zod";
import { triggerFailoverExecutor } from "@/lib/failover/app-executor";
import { recordStartChoice } from "@/lib/failover/recovery-start-choice";
import { START_CHOICES } from "@/lib/failover/types";
import { guardedRoute } from "@/lib/http/guarded-route";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ vmid: z.coerce.number().int().min(100), choice: z.enum(START_CHOICES) });

/** POST {vmid, choice}: the holder starts a recovered guest, or leaves it stopped (audited). */
export const POST = guardedRoute(
  { permission: "failover.execute", action: "failover.start_choice", body: bodySchema, target: (p) => ({ type: "failover", id: p.operationId ?? "" }) },
  async ({ body, params, db, user }) => {
    const { message } = await recordStartChoice(db, { operationId: params.operationId ?? "", vmid: body.vmid, choice: body.choice, user: { id: user.id, label: user.email }, now: Date.now() });
    triggerFailoverExecutor();
    return { data: { message }, audit: { details: { ...body, message } } };
  },
);
