// GET /api/metrics – Prometheus text format, for a bearer token created under Settings → Alerts.
import { collectMetrics } from "@/lib/alerts/metrics/collect";
import { verifyMetricsToken } from "@/lib/alerts/metrics/tokens";
import { getDb } from "@/lib/db/app-db";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const db = getDb();
  const now = new Date();
  if (!(await verifyMetricsToken(db, request.headers.get("authorization"), now))) {
    return new Response("A metrics token is required: Authorization: Bearer <token> (Settings → Alerts).\n", {
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer realm="pve-standby metrics"', "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const { contentType, body } = await collectMetrics(db, now);
  return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
}
