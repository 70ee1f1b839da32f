// GET /api/replication/:jobRowId/runs/:runId – one run with its stored log
import { notFound, readRoute } from "@/lib/http/read-guard";
import { getRunLog } from "@/lib/replication/job-queries";

export const GET = readRoute("replication.read", async ({ db, params }) => {
  const run = await getRunLog(db, params.jobRowId ?? "", params.runId ?? "");
  return run ? { data: run } : notFound("Run");
});
