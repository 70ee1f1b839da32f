// GET /api/replication/:jobRowId/live-log – the running sync's log, read from its node while it runs, through the cluster's shared client
import { notFound, readRoute } from "@/lib/http/read-guard";
import { appJobActionDeps } from "@/lib/replication/app-deps";
import { readLiveLog } from "@/lib/replication/live-log";

export const GET = readRoute("replication.read", async ({ db, params }) => {
  const log = await readLiveLog(appJobActionDeps(db), params.jobRowId ?? "");
  return log ? { data: log } : notFound("Replication job");
});
