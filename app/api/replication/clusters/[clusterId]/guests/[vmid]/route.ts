// GET /api/replication/clusters/:clusterId/guests/:vmid – a guest's jobs and recent runs
import { notFound, readRoute } from "@/lib/http/read-guard";
import { vmidParamSchema } from "@/lib/replication/job-schemas";
import { getGuestReplication } from "@/lib/replication/queries";

export const GET = readRoute("replication.read", async ({ db, params }) => {
  const vmid = vmidParamSchema.safeParse(params.vmid);
  if (!vmid.success) return notFound("Guest");
  const detail = await getGuestReplication(db, params.clusterId ?? "", vmid.data);
  return detail ? { data: detail } : notFound("Guest");
});
