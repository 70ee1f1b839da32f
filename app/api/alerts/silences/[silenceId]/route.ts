// DELETE /api/alerts/silences/:silenceId – end a silence early (alert.manage)
import { z } from "zod";
import { cancelSilence } from "@/lib/alerts/actions";
import { guardedRoute } from "@/lib/http/guarded-route";

export const DELETE = guardedRoute(
  { permission: "alert.manage", action: "alert.unsilence", body: z.object({}).loose(), target: (p) => ({ type: "alert-silence", id: p.silenceId ?? "" }) },
  async ({ db, params }) => {
    const result = await cancelSilence(db, params.silenceId ?? "", new Date());
    return { data: { ok: true }, audit: { details: { reason: result.reason } } };
  },
);
