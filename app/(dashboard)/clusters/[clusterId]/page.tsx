import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import { notFound } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { clusterReplicationQuery } from "@/lib/query/replication";
import { getServerQueryClient } from "@/lib/query/server-query-client";
import { getClusterReplication } from "@/lib/replication/queries";
import { ClusterView } from "./cluster-view";

export const metadata = { title: "Cluster" };

export default async function ClusterPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const user = await requirePagePermission("replication.read", "/clusters");
  const { clusterId } = await params;
  const detail = await getClusterReplication(getDb(), clusterId);
  if (!detail) notFound();
  const queryClient = getServerQueryClient();
  queryClient.setQueryData(clusterReplicationQuery(clusterId).queryKey, detail);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ClusterView clusterId={clusterId} canManage={can(user.role, "cluster.manage")} />
    </HydrationBoundary>
  );
}
