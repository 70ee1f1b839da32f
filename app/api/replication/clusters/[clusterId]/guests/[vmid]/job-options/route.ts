// GET /api/replication/clusters/:clusterId/guests/:vmid/job-options – target choices read live, and the
// cluster's stored time zone (replication.manage). When Proxmox cannot be read the answer is 409 with
// the reason and still the stored zone, so a schedule preview keeps the cluster's zone.
import { UserError } from "@/lib/auth/users";
import { notFound, readRoute } from "@/lib/http/read-guard";
import { appJobActionDeps } from "@/lib/replication/app-deps";
import { getClusterTimeZone, getJobOptions } from "@/lib/replication/job-options";
import { vmidParamSchema } from "@/lib/replication/job-schemas";

export const GET = readRoute("replication.manage", async ({ db, params }) => {
  const vmid = vmidParamSchema.safeParse(params.vmid);
  if (!vmid.success) return notFound("Guest");
  const clusterId = params.clusterId ?? "";
  try {
    return { data: await getJobOptions(appJobActionDeps(db), clusterId, vmid.data) };
  } catch (error) {
    if (error instanceof UserError) return { status: 409, data: { error: error.message, timeZone: await getClusterTimeZone(db, clusterId) } };
    throw error;
  }
});
