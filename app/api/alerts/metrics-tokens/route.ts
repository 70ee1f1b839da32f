// POST /api/alerts/metrics-tokens (alert.manage) – a new scrape token, shown once
import { z } from "zod";
import { createMetricsToken } from "@/lib/alerts/metrics/tokens";
import { guardedRoute } from "@/lib/http/guarded-route";

export const POST = guardedRoute({ permission: "alert.manage", action: "alert.metrics_token_create", body: z.object({ name: z.string().trim().min(1, "required").max(100) }) }, async ({ db, body, user }) => {
  const created = await createMetricsToken(db, body.name, user.email);
  return { status: 201, data: created, audit: { target: { type: "metrics-token", id: created.id }, details: { name: created.name } } };
});
