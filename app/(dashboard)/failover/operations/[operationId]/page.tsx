import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import { notFound } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { getOperationView } from "@/lib/failover/queries";
import { operationQuery } from "@/lib/failover/query";
import { getServerQueryClient } from "@/lib/query/server-query-client";
import { OperationView } from "./operation-view";

export const metadata = { title: "Failover operation" };

export default async function OperationPage({ params }: { params: Promise<{ operationId: string }> }) {
  const user = await requirePagePermission("replication.read", "/failover");
  const { operationId } = await params;
  const view = await getOperationView(getDb(), operationId, user.id);
  if (!view) notFound();
  const queryClient = getServerQueryClient();
  queryClient.setQueryData(operationQuery(operationId).queryKey, view);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <OperationView operationId={operationId} canExecute={can(user.role, "failover.execute")} canRunJobs={can(user.role, "replication.manage")} />
    </HydrationBoundary>
  );
}
