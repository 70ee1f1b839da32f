// GET /api/replication/clusters/:clusterId/guests/:vmid/job-options – target choices and time zone, read live (replication.manage)
import { z } from "zod";
import { UserError } from "@/lib/auth/users";
import { notFound, readRoute } from "@/lib/http/read-guard";
import { appJobActionDeps } from "@/lib/replication/app-deps";
import { getJobOptions } from "@/lib/replication/job-options";

const vmidSchema = z.coerce.number().int().min(100).max(999_999_999);

export const GET = readRoute("replication.manage", async ({ db, params }) => {
  const vmid = vmidSchema.safeParse(params.vmid);
  if (!vmid.success) return notFound("Guest");
  try {
    return { data: await getJobOptions(appJobActionDeps(db), params.clusterId ?? "", vmid.data) };
  } catch (error) {
    if (error instanceof UserError) return { status: 409, data: { error: error.message } };
    throw error;
  }
});
