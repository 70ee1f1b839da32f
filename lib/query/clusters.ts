import { queryOptions } from "@tanstack/react-query";
import type { ClusterSummary } from "@/lib/clusters/queries";
import { fetchJson } from "@/lib/http/fetch-json";

export const clusterKeys = {
  all: ["clusters"] as const,
  list: () => ["clusters", "list"] as const,
};

// The list shows what the poller last wrote (errors, quorum, version), so it refreshes on its own.
export function clustersQuery() {
  return queryOptions({
    queryKey: clusterKeys.list(),
    queryFn: () => fetchJson<ClusterSummary[]>("/api/clusters"),
    refetchInterval: 10_000,
  });
}
