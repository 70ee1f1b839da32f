// GET /api/replication/clusters/:clusterId/guests/:vmid – a guest's jobs and recent runs
import { z } from "zod";
import { notFound, readRoute } from "@/lib/http/read-guard";
import { getGuestReplication } from "@/lib/replication/queries";

const vmidSchema = z.coerce.number().int().min(100).max(999_999_999);

export const GET = readRoute("replication.read", async ({ db, params }) => {
  const vmid = vmidSchema.safeParse(params.vmid);
  if (!vmid.success) return notFound("Guest");
  const detail = await getGuestReplication(db, params.clusterId ?? "", vmid.data);
  return detail ? { data: detail } : notFound("Guest");
});
