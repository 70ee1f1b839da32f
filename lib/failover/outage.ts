import { z } from "zod";
import { formatDuration } from "@/lib/replication/format-duration";

// Node failures as the poller recorded them (NodeOutage / OutageGuest) and the data-loss window
// they imply. Pure and client-safe.

export const outageReplicaSchema = z.object({ jobId: z.string(), target: z.string(), lastSync: z.number().nullable() });
export type OutageReplica = z.infer<typeof outageReplicaSchema>;

export function parseOutageReplicas(text: string | null | undefined): OutageReplica[] {
  if (!text) return [];
  try {
    return z.array(outageReplicaSchema).catch([]).parse(JSON.parse(text));
  } catch {
    return [];
  }
}

export type OutageTimes = {
  /** Best estimate of the failure, cluster clock. */
  failedAt: number;
  /** lrm: the dead node's last HA status update; poll: the last poll that saw it online; detected: first seen offline. */
  failedAtFrom: string;
  lastSeenUp: number | null;
  detectedAt: number;
};

export type DataLossWindow =
  | {
      kind: "window";
      /** The replica the guest runs (or would run) from. */
      target: string;
      lastSync: number;
      failedAt: number;
      seconds: number;
      /** Whether the failure time is exact to a few seconds (HA's own timestamp) or only bounded by polls. */
      exact: boolean;
      text: string;
    }
  | { kind: "no-replica"; text: string };

/**
 * The data-loss window of one guest of a dead node: from the last successful sync of the copy it
 * runs from (or, not yet recovered, its freshest copy) to the failure. Writes in that window
 * exist only on the dead node.
 */
export function dataLossWindow(times: OutageTimes, replicas: OutageReplica[], recoveredTo: string | null): DataLossWindow {
  const synced = replicas.filter((r): r is OutageReplica & { lastSync: number } => r.lastSync !== null && r.lastSync > 0);
  const chosen = recoveredTo ? synced.find((r) => r.target === recoveredTo) : synced.sort((a, b) => b.lastSync - a.lastSync)[0];
  if (!chosen) {
    const text = recoveredTo
      ? `No replica on ${recoveredTo}: everything the guest had on its disks is missing there`
      : replicas.length === 0
        ? "No replica anywhere: the guest's data is only on the dead node"
        : "No replica was ever completed: the guest's data is only on the dead node";
    return { kind: "no-replica", text };
  }
  const seconds = Math.max(0, times.failedAt - chosen.lastSync);
  const exact = times.failedAtFrom === "lrm";
  const bound = exact ? "" : " at least (the failure happened between two polls)";
  return {
    kind: "window",
    target: chosen.target,
    lastSync: chosen.lastSync,
    failedAt: times.failedAt,
    seconds,
    exact,
    text: `${formatDuration(seconds)} of writes lost${bound}: the copy on ${chosen.target} is from ${seconds} s before the failure`,
  };
}

/**
 * The words for a job that has no completed sync from its current source, instead of a bare
 * "Never". After a recovery Proxmox turns the job around with last_sync 0 (`turnedAround`), so
 * nothing the guest wrote since it started on the new node has a copy yet.
 */
export function noCopyYetText(target: string, targetOnline: boolean | null, turnedAround = true): string {
  const copy = turnedAround ? `no copy back to ${target} yet` : `no copy on ${target} yet`;
  if (targetOnline === false) return `${copy}; ${target} is offline`;
  return turnedAround ? `${copy}; the first sync from the new source has not completed` : `${copy}; the first sync has not completed`;
}
