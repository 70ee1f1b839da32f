// DELETE /api/alerts/metrics-tokens/:tokenId (alert.manage) – revoke a scrape token
import { z } from "zod";
import { deleteMetricsToken } from "@/lib/alerts/metrics/tokens";
import { guardedRoute } from "@/lib/http/guarded-route";

export const DELETE = guardedRoute(
  { permission: "alert.manage", action: "alert.metrics_token_delete", body: z.object({}).loose(), target: (p) => ({ type: "metrics-token", id: p.tokenId ?? "" }) },
  async ({ db, params }) => {
    const deleted = await deleteMetricsToken(db, params.tokenId ?? "");
    return { data: { ok: true }, audit: { details: { name: deleted.name } } };
  },
);
