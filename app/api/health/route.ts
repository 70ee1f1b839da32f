// GET /api/health – liveness, database and poller status for load balancers and monitoring.
// No auth and no secrets: per cluster only its name, status, poll age and failure count (the
// failure texts, which may name hosts, are for signed-in users: ./clusters/[clusterId]).
import { getDb } from "@/lib/db/app-db";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { readPollerHealth, type PollerHealth } from "@/lib/poller/health";
import packageJson from "@/package.json";

export const dynamic = "force-dynamic";

export async function GET() {
  let poller: PollerHealth | null = null;
  try {
    poller = await readPollerHealth(getDb(), new Date(), { intervalSeconds: getEnv().POLL_INTERVAL_SECONDS });
  } catch (error) {
    logger.error({ err: error }, "Health check: the database cannot be read");
  }
  const body = {
    // 503 only when the database is gone (the app cannot serve); a degraded poller still serves pages.
    status: poller === null ? "degraded" : poller.status,
    database: poller === null ? "error" : "ok",
    version: packageJson.version,
    poller: poller && {
      status: poller.loop.status,
      tickAgeSeconds: poller.loop.tickAgeSeconds,
      consecutiveFailures: poller.loop.consecutiveFailures,
    },
    clusters: (poller?.clusters ?? []).map((c) => ({
      name: c.name,
      status: c.status,
      pollAgeSeconds: c.pollAgeSeconds,
      consecutiveFailures: c.consecutiveFailures,
    })),
  };
  return Response.json(body, { status: poller === null ? 503 : 200, headers: { "Cache-Control": "no-store" } });
}

