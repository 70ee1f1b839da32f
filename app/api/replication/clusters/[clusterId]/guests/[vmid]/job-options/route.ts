// GET /api/replication/clusters/:clusterId/guests/:vmid/job-options – target choices and time zone, read live (replication.manage)
import { UserError } from "@/lib/auth/users";
import { notFound, readRoute } from "@/lib/http/read-guard";
import { appJobActionDeps } from "@/lib/replication/app-deps";
import { getJobOptions } from "@/lib/replication/job-options";
import { vmidParamSchema } from "@/lib/replication/job-schemas";

export const GET = readRoute("replication.manage", async ({ db, params }) => {
  const vmid = vmidParamSchema.safeParse(params.vmid);
  if (!vmid.success) return notFound("Guest");
  try {
    return { data: await getJobOptions(appJobActionDeps(db), params.clusterId ?? "", vmid.data) };
  } catch (error) {
    if (error instanceof UserError) return { status: 409, data: { error: error.message } };
    throw error;
  }
});
