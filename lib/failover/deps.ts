import type { ProxmoxClient } from "@/lib/proxmox/client";
import type { RemoteShellFor } from "@/lib/ssh/remote-shell";
import type { Cluster, PrismaClient } from "@/prisma/generated/client";

/**
 * What the engine needs from the world, passed in: the database, a Proxmox client per cluster
 * (the caller owns its lifetime) and a clock in milliseconds (the simulator's in tests).
 */
export type FailoverDeps = {
  db: PrismaClient;
  clientFor: (cluster: Cluster) => ProxmoxClient;
  now: () => number;
  /** A step changed the cluster (a guest moved): the app polls it at once so every page shows it. */
  onClusterChanged?: (clusterId: string) => void;
  /**
   * A root shell on a node through the cluster's recovery credential (part 2: moving a dead
   * node's guest configuration, preserving divergent volumes). Absent or answering null: the
   * steps show the operator the exact commands instead and wait for their effect.
   */
  shellFor?: RemoteShellFor;
};
