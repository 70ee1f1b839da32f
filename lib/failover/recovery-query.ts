import { queryOptions } from "@tanstack/react-query";
import { getJson } from "./query";
import type { NodeRecoveryPlan } from "./recovery-operations";
import type { RecoveryPreflight } from "./recovery-preflight";

// Browser-side queries of the recovery dialogs: read once when a dialog opens, never polled.

export type RecoveryPreflightAnswer = Omit<RecoveryPreflight, never> & { minOfflineSeconds: number; hasCredential: boolean; commands: string[] | null };
export type NodeRecoveryAnswer = NodeRecoveryPlan & { hasCredential: boolean };

export function recoveryPreflightQuery(clusterId: string, vmid: number, node: string) {
  return queryOptions({
    queryKey: ["failover", "recovery-preflight", clusterId, vmid, node] as const,
    queryFn: () => getJson<RecoveryPreflightAnswer>(`/api/failover/recovery-preflight?${new URLSearchParams({ clusterId, vmid: String(vmid), node })}`),
    staleTime: 0,
    retry: false,
  });
}

export function nodeRecoveryQuery(clusterId: string, node: string) {
  return queryOptions({
    queryKey: ["failover", "node-recovery", clusterId, node] as const,
    queryFn: () => getJson<NodeRecoveryAnswer>(`/api/failover/node-recovery?${new URLSearchParams({ clusterId, node })}`),
    staleTime: 0,
    retry: false,
  });
}
