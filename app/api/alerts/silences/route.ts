// POST /api/alerts/silences – silence matching alerts until an expiry, with a reason (alert.manage)
import { createSilence, silenceInputSchema } from "@/lib/alerts/actions";
import { guardedRoute } from "@/lib/http/guarded-route";

export const POST = guardedRoute({ permission: "alert.manage", action: "alert.silence", body: silenceInputSchema }, async ({ db, body, user }) => {
  const silence = await createSilence(db, body, user.email, new Date());
  return { status: 201, data: silence, audit: { target: { type: "alert-silence", id: silence.id }, details: silence } };
});
