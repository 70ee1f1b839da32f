import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { getFailoverOverview } from "@/lib/failover/failover-queries";
import { failoverOverviewQuery } from "@/lib/query/failover-readiness";
import { getServerQueryClient } from "@/lib/query/server-query-client";
import { FailoverView } from "./failover-view";
import { OperationsList } from "./operations-list";

export const metadata = { title: "Failover" };

export default async function FailoverPage() {
  const user = await requirePagePermission("replication.read", "/failover");
  const queryClient = getServerQueryClient();
  queryClient.setQueryData(failoverOverviewQuery().queryKey, await getFailoverOverview(getDb()));
  return (
    <>
      <PageHeader title="Failover" description="What is down and how HA is bringing it back, the data each failure costs, planned switch-overs, and how ready every guest is before anything breaks." />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <div className="flex flex-col gap-6">
          <FailoverView canAct={can(user.role, "failover.execute")} />
          <OperationsList canExecute={can(user.role, "failover.execute")} />
        </div>
      </HydrationBoundary>
    </>
  );
}
