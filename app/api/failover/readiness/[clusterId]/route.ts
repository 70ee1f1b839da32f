// GET /api/failover/readiness/:clusterId[?vmid=] – failover readiness of a cluster's guests (or one guest)
import { z } from "zod";
import { notFound, readRoute } from "@/lib/http/read-guard";
import { getClusterReadiness } from "@/lib/failover/readiness-queries";

const vmidSchema = z.coerce.number().int().min(100).max(999_999_999).optional();

export const GET = readRoute("replication.read", async ({ db, params, url }) => {
  const vmid = vmidSchema.safeParse(url.searchParams.get("vmid") ?? undefined);
  if (!vmid.success) return { status: 400, data: { error: "vmid must be a guest id (100 to 999999999)." } };
  const detail = await getClusterReadiness(db, params.clusterId ?? "", { vmid: vmid.data });
  return detail ? { data: detail } : notFound("Cluster");
});
