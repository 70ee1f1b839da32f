import { queryOptions } from "@tanstack/react-query";
import type { ClusterSummary } from "@/lib/clusters/queries";
import { fetchJson } from "@/lib/http/fetch-json";
import type { ClusterPollerHealth } from "@/lib/poller/health";

export const clusterKeys = {
  all: ["clusters"] as const,
  list: () => ["clusters", "list"] as const,
  pollerHealth: (clusterId: string) => ["clusters", "poller-health", clusterId] as const,
};

// The list shows what the poller last wrote (errors, quorum, version), so it refreshes on its own.
export function clustersQuery() {
  return queryOptions({
    queryKey: clusterKeys.list(),
    queryFn: () => fetchJson<ClusterSummary[]>("/api/clusters"),
    refetchInterval: 10_000,
  });
}

// The poller's own health for one cluster (last good cycle, failures, the loop): polled as often
// as the page's live data, so a failing poller shows within one poll interval.
export function clusterPollerHealthQuery(clusterId: string) {
  return queryOptions({
    queryKey: clusterKeys.pollerHealth(clusterId),
    queryFn: () => fetchJson<ClusterPollerHealth>(`/api/health/clusters/${encodeURIComponent(clusterId)}`),
    refetchInterval: 5_000,
  });
}
