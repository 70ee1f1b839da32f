// GET /api/replication – overview: headline counts, status counts and one page of jobs
// POST /api/replication – create a job in Proxmox (replication.manage)
import { guardedRoute } from "@/lib/http/guarded-route";
import { readRoute } from "@/lib/http/read-guard";
import { triggerPoll } from "@/lib/poller/app-poller";
import { appJobActionDeps } from "@/lib/replication/app-deps";
import { createJob } from "@/lib/replication/job-actions";
import { createJobSchema } from "@/lib/replication/job-schemas";
import { parseOverviewFilters } from "@/lib/replication/overview-filters";
import { getReplicationOverview } from "@/lib/replication/queries";

export const GET = readRoute("replication.read", async ({ db, url }) => ({ data: await getReplicationOverview(db, parseOverviewFilters(url.searchParams)) }));

export const POST = guardedRoute(
  { permission: "replication.manage", action: "replication.create", body: createJobSchema, target: () => ({ type: "replication-job", id: "new" }) },
  async ({ db, body }) => {
    const result = await createJob(appJobActionDeps(db), body);
    triggerPoll(result.clusterId);
    return { status: 201, data: { jobRowId: result.jobRowId, jobId: result.jobId }, audit: { target: { type: "replication-job", id: `${result.clusterId}/${result.jobId}` }, details: result.audit } };
  },
);
