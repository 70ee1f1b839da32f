// GET /api/alerts/count – active alerts for the sidebar badge (replication.read)
import { countActiveAlerts } from "@/lib/alerts/queries";
import { readRoute } from "@/lib/http/read-guard";

export const GET = readRoute("replication.read", async ({ db }) => ({ data: await countActiveAlerts(db) }));
