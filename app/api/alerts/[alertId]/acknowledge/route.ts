// POST /api/alerts/:alertId/acknowledge – stops reminders; the resolved notice still goes out (alert.manage)
import { z } from "zod";
import { acknowledgeAlert } from "@/lib/alerts/actions";
import { guardedRoute } from "@/lib/http/guarded-route";

export const POST = guardedRoute(
  { permission: "alert.manage", action: "alert.acknowledge", body: z.object({}).loose(), target: (p) => ({ type: "alert", id: p.alertId ?? "" }) },
  async ({ db, params, user }) => {
    const result = await acknowledgeAlert(db, params.alertId ?? "", user.email, new Date());
    return { data: { ok: true }, audit: { details: { rule: result.rule, title: result.title } } };
  },
);
