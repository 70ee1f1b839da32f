// GET /api/failover/overview – what is down (dead nodes, their guests, data-loss windows, HA's recovery timeline) and readiness
import { readRoute } from "@/lib/http/read-guard";
import { getFailoverOverview } from "@/lib/failover/failover-queries";

export const GET = readRoute("replication.read", async ({ db }) => ({ data: await getFailoverOverview(db) }));
