// POST /api/replication/:jobRowId/run – schedule_now on the owner node (replication.manage)
import { guardedRoute } from "@/lib/http/guarded-route";
import { triggerPoll } from "@/lib/poller/app-poller";
import { appJobActionDeps } from "@/lib/replication/app-deps";
import { runJobNow } from "@/lib/replication/job-actions";
import { emptyBodySchema } from "@/lib/replication/job-schemas";

export const POST = guardedRoute(
  { permission: "replication.manage", action: "replication.run", body: emptyBodySchema, target: (p) => ({ type: "replication-job", id: p.jobRowId ?? "" }) },
  async ({ db, params }) => {
    const result = await runJobNow(appJobActionDeps(db), params.jobRowId ?? "");
    triggerPoll(result.clusterId);
    return { data: { ok: true }, audit: { target: { type: "replication-job", id: `${result.clusterId}/${result.jobId}` }, details: result.audit } };
  },
);
