import { queryOptions } from "@tanstack/react-query";
import type { ClusterSummary } from "@/lib/clusters/queries";
import { ApiError } from "@/lib/http/fetch-json";

// The list shows what the poller last wrote (errors, quorum, version), so it refreshes on its own.
export const CLUSTERS_QUERY_KEY = ["clusters"] as const;

export function clustersQuery() {
  return queryOptions({
    queryKey: CLUSTERS_QUERY_KEY,
    queryFn: async (): Promise<ClusterSummary[]> => {
      const response = await fetch("/api/clusters", { headers: { Accept: "application/json" } });
      const data = (await response.json().catch(() => ({}))) as ClusterSummary[] | { error?: string };
      if (!response.ok || !Array.isArray(data)) throw new ApiError(("error" in data && data.error) || `Request failed (${response.status}).`, response.status);
      return data;
    },
    refetchInterval: 10_000,
  });
}
