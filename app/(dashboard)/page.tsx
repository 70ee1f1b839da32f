import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { replicationOverviewQuery } from "@/lib/query/replication";
import { getServerQueryClient } from "@/lib/query/server-query-client";
import { parseOverviewFilters } from "@/lib/replication/overview-filters";
import { getReplicationOverview } from "@/lib/replication/queries";
import { NoClusters } from "./_overview/no-clusters";
import { Overview } from "./_overview/overview";

export const metadata = { title: "Overview" };

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission("replication.read", "/");
  const db = getDb();
  const header = <PageHeader title="Overview" description="Every replicated guest across your clusters, its lag against its RPO, and what needs attention." />;
  if ((await db.cluster.count()) === 0) {
    return (
      <>
        {header}
        <NoClusters canManage={can(user.role, "cluster.manage")} />
      </>
    );
  }
  const filters = parseOverviewFilters(await searchParams);
  const queryClient = getServerQueryClient();
  await queryClient.prefetchQuery({ ...replicationOverviewQuery(filters), queryFn: () => getReplicationOverview(db, filters) });
  return (
    <>
      {header}
      <HydrationBoundary state={dehydrate(queryClient)}>
        <Overview />
      </HydrationBoundary>
    </>
  );
}
