import { queryOptions } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import type { FailoverOverview } from "@/lib/failover/failover-queries";
import type { ClusterReadiness } from "@/lib/failover/readiness-queries";

// Readiness and the node-down view change with each poll (~15 s); a dead node is followed live.
const LIVE_MS = 5_000;

export const failoverKeys = {
  overview: ["failover", "overview"] as const,
  readiness: (clusterId: string, vmid?: number) => ["failover", "readiness", clusterId, vmid ?? "all"] as const,
};

export function failoverOverviewQuery() {
  return queryOptions({
    queryKey: failoverKeys.overview,
    queryFn: () => fetchJson<FailoverOverview>("/api/failover/overview"),
    refetchInterval: LIVE_MS,
  });
}

export function readinessQuery(clusterId: string, vmid?: number) {
  return queryOptions({
    queryKey: failoverKeys.readiness(clusterId, vmid),
    queryFn: () => fetchJson<ClusterReadiness>(`/api/failover/readiness/${encodeURIComponent(clusterId)}${vmid === undefined ? "" : `?vmid=${vmid}`}`),
    refetchInterval: LIVE_MS,
  });
}
