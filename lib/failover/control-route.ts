import "server-only";
import { z } from "zod";
import { guardedRoute } from "@/lib/http/guarded-route";
import { triggerFailoverExecutor } from "./app-executor";
import { controlOperation, type OperationControl } from "./control";

const ACTIONS = { pause: "failover.pause", resume: "failover.resume", abandon: "failover.abandon" } as const;

/** POST /api/failover/operations/{id}/{pause|resume|abandon}: the holder only, audited. */
export function controlRoute(control: OperationControl) {
  return guardedRoute(
    { permission: "failover.execute", action: ACTIONS[control], body: z.object({}).passthrough(), target: (p) => ({ type: "failover", id: p.operationId ?? "" }) },
    async ({ params, db, user }) => {
      const { message } = await controlOperation(db, params.operationId ?? "", user.id, control);
      triggerFailoverExecutor();
      return { data: { message }, audit: { details: { message } } };
    },
  );
}
