// GET /api/replication/:jobRowId – one job with its recent runs
// PATCH – edit schedule, rate, comment, enabled; DELETE – remove (full | keep | force) (replication.manage)
import { guardedRoute } from "@/lib/http/guarded-route";
import { notFound, readRoute } from "@/lib/http/read-guard";
import { triggerPoll } from "@/lib/poller/app-poller";
import { appJobActionDeps } from "@/lib/replication/app-deps";
import { deleteJob, updateJob } from "@/lib/replication/job-actions";
import { getJobDetail } from "@/lib/replication/job-queries";
import { deleteJobSchema, updateJobSchema } from "@/lib/replication/job-schemas";

const target = (p: Record<string, string>) => ({ type: "replication-job", id: p.jobRowId ?? "" });

export const GET = readRoute("replication.read", async ({ db, params }) => {
  const detail = await getJobDetail(db, params.jobRowId ?? "");
  return detail ? { data: detail } : notFound("Replication job");
});

export const PATCH = guardedRoute({ permission: "replication.manage", action: "replication.update", body: updateJobSchema, target }, async ({ db, body, params }) => {
  const result = await updateJob(appJobActionDeps(db), params.jobRowId ?? "", body);
  triggerPoll(result.clusterId);
  return { data: { ok: true }, audit: { target: { type: "replication-job", id: `${result.clusterId}/${result.jobId}` }, details: result.audit } };
});

export const DELETE = guardedRoute({ permission: "replication.manage", action: "replication.delete", body: deleteJobSchema, target }, async ({ db, body, params }) => {
  const result = await deleteJob(appJobActionDeps(db), params.jobRowId ?? "", body.mode);
  triggerPoll(result.clusterId);
  return { data: { ok: true }, audit: { target: { type: "replication-job", id: `${result.clusterId}/${result.jobId}` }, details: result.audit } };
});
