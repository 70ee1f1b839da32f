// GET /api/health – liveness and database status for load balancers; no auth, no secrets.
import { getDb } from "@/lib/db/app-db";
import packageJson from "@/package.json";

export const dynamic = "force-dynamic";

export async function GET() {
  let database: "ok" | "error" = "ok";
  try {
    await getDb().$queryRawUnsafe("SELECT 1");
  } catch {
    database = "error";
  }
  const body = { status: database === "ok" ? "ok" : "degraded", database, version: packageJson.version };
  return Response.json(body, { status: database === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
