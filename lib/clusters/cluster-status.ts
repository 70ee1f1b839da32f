import type { ConnectionErrorKind } from "./connection-errors";

// Client-safe words for a cluster's connection: the clusters list, the cluster page and the
// wizard's connection test all name a failure the same way.

/** What each error kind (Cluster.lastErrorKind, or a connection test's failure) is called. */
export const ERROR_KIND_TITLES: Record<ConnectionErrorKind | "partial", string> = {
  certificate: "Certificate changed: connection stopped",
  auth: "Credentials refused",
  permission: "Missing privilege",
  unreachable: "Unreachable",
  timeout: "Timed out",
  protocol: "Not a Proxmox VE answer",
  business: "Proxmox reported an error",
  partial: "Some nodes did not answer",
};

/** The title for a stored error kind; a kind this version does not know still reads as a failure. */
export function errorKindTitle(kind: string | null | undefined): string {
  return (kind && ERROR_KIND_TITLES[kind as keyof typeof ERROR_KIND_TITLES]) || "Last poll failed";
}

export type ClusterStatusTone = "ok" | "warn" | "fail" | "unknown";

export type ClusterStatusInput = {
  removed?: boolean;
  enabled: boolean;
  lastErrorKind: string | null;
  lastPollOkAt: string | Date | null;
};

/**
 * One status per cluster. Precedence, first match wins: removed (history kept), disabled (not
 * polled, so its last error no longer matters), the last poll's error (a partial read is a
 * warning, anything else a failure), connected, waiting for the first poll.
 */
export function clusterStatus(cluster: ClusterStatusInput): { tone: ClusterStatusTone; label: string } {
  if (cluster.removed) return { tone: "unknown", label: "Removed, history kept" };
  if (!cluster.enabled) return { tone: "unknown", label: "Disabled" };
  if (cluster.lastErrorKind === "partial") return { tone: "warn", label: ERROR_KIND_TITLES.partial };
  if (cluster.lastErrorKind) return { tone: "fail", label: errorKindTitle(cluster.lastErrorKind) };
  if (cluster.lastPollOkAt) return { tone: "ok", label: "Connected" };
  return { tone: "unknown", label: "Waiting for first poll" };
}
