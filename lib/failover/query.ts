import { queryOptions } from "@tanstack/react-query";
import { ApiError } from "@/lib/http/fetch-json";
import type { EvacuationGuest } from "./operations";
import type { OperationsOverview, OperationView } from "./queries";
import type { Check, CheckResultName, GuestPlan } from "./types";

// Browser-side queries of the failover pages. A running operation is polled every 2 s so its
// task log reads live; the preflight is read once when a dialog opens.

export const failoverKeys = {
  all: ["failover"] as const,
  operations: ["failover", "operations"] as const,
  operation: (id: string) => ["failover", "operation", id] as const,
};

export type PreflightAnswer = { target: string | null; targets: string[]; checks: Check[]; verdict: CheckResultName; plan: GuestPlan | null; downtime: string | null };
export type EvacuationAnswer = { node: string; guests: EvacuationGuest[] };

export function operationQuery(id: string) {
  return queryOptions({
    queryKey: failoverKeys.operation(id),
    queryFn: () => getJson<OperationView>(`/api/failover/operations/${encodeURIComponent(id)}`),
    refetchInterval: (query) => (query.state.data && ["running", "paused"].includes(query.state.data.state) ? 2_000 : 10_000),
  });
}

export function operationsQuery() {
  return queryOptions({ queryKey: failoverKeys.operations, queryFn: () => getJson<OperationsOverview>("/api/failover/operations"), refetchInterval: 5_000 });
}

export function preflightQuery(clusterId: string, vmid: number, target: string | null) {
  const search = new URLSearchParams({ clusterId, vmid: String(vmid), ...(target ? { target } : {}) });
  return queryOptions({
    queryKey: ["failover", "preflight", clusterId, vmid, target] as const,
    queryFn: () => getJson<PreflightAnswer>(`/api/failover/preflight?${search}`),
    staleTime: 0,
    retry: false,
  });
}

export function evacuationQuery(clusterId: string, node: string) {
  return queryOptions({
    queryKey: ["failover", "evacuation", clusterId, node] as const,
    queryFn: () => getJson<EvacuationAnswer>(`/api/failover/evacuation?${new URLSearchParams({ clusterId, node })}`),
    staleTime: 0,
    retry: false,
  });
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const data = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new ApiError(data.error ?? `Request failed (${response.status}).`, response.status);
  return data;
}
