// GET /api/replication/:jobRowId/live-log – the running sync's log, read from its node while it runs
import { notFound, readRoute } from "@/lib/http/read-guard";
import { appJobActionDeps } from "@/lib/replication/app-deps";
import { readLiveLog } from "@/lib/replication/live-log";

export const GET = readRoute("replication.read", async ({ params }) => {
  const log = await readLiveLog(appJobActionDeps(), params.jobRowId ?? "");
  return log ? { data: log } : notFound("Replication job");
});
