"use client";

import { useQuery } from "@tanstack/react-query";
import { Server } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import type { ClusterSummary } from "@/lib/clusters/queries";
import { clustersQuery } from "@/lib/query/clusters";
import { ClusterCard } from "./cluster-card";

export function ClusterList({ initial, canManage }: { initial: ClusterSummary[]; canManage: boolean }) {
  const { data: clusters } = useQuery({ ...clustersQuery(), initialData: initial });
  if (clusters.length === 0) {
    return (
      <EmptyState
        icon={Server}
        title="No clusters connected"
        description={
          canManage
            ? "Use Add cluster above. Connecting a cluster needs its address, an API token with PVEAuditor rights (PVEVMAdmin to manage replication), and a confirmation of its certificate fingerprint."
            : "Only admins can connect clusters. Once one is connected, its nodes and guests appear here."
        }
      />
    );
  }
  return (
    <div className="grid gap-4">
      {clusters.map((cluster) => (
        <ClusterCard key={cluster.id} cluster={cluster} canManage={canManage} />
      ))}
    </div>
  );
}
