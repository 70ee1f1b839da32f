// PUT /api/replication/:jobRowId/rpo – set or clear the job's RPO, stored by pve-standby only (replication.manage)
import { guardedRoute } from "@/lib/http/guarded-route";
import { triggerPoll } from "@/lib/poller/app-poller";
import { setJobRpo } from "@/lib/replication/job-actions";
import { setRpoSchema } from "@/lib/replication/job-schemas";

export const PUT = guardedRoute(
  { permission: "replication.manage", action: "replication.rpo_update", body: setRpoSchema, target: (p) => ({ type: "replication-job", id: p.jobRowId ?? "" }) },
  async ({ db, body, params }) => {
    const result = await setJobRpo(db, params.jobRowId ?? "", body.rpoSeconds);
    // The status (late or not) depends on the RPO; the next poll re-derives it.
    triggerPoll(result.clusterId);
    return { data: { ok: true }, audit: { target: { type: "replication-job", id: `${result.clusterId}/${result.jobId}` }, details: result.audit } };
  },
);
