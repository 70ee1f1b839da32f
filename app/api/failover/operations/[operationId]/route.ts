import { getOperationView } from "@/lib/failover/queries";
import { notFound, readRoute } from "@/lib/http/read-guard";

export const dynamic = "force-dynamic";

/** Polled by the operation page: steps, checks, the task log so far, who holds the guests. */
export const GET = readRoute("replication.read", async ({ params, db, user }) => {
  const view = await getOperationView(db, params.operationId ?? "", user.id);
  return view ? { data: view } : notFound("Failover operation");
});
