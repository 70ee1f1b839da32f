import type { ProxmoxClient } from "@/lib/proxmox/client";
import type { Cluster, PrismaClient } from "@/prisma/generated/client";
import { startPoller, type Poller, type PollerDeps } from "./poller";

// One poller per server process; the globalThis slot survives dev-mode module reloads.
const globalForPoller = globalThis as unknown as { pveStandbyPoller?: Poller };

export function startAppPoller(deps: {
  db: PrismaClient;
  clientFor: (cluster: Cluster) => ProxmoxClient;
  intervalSeconds?: number;
  onError?: (cluster: Cluster, error: unknown) => void;
  onCycle?: PollerDeps["onCycle"];
}): Poller {
  globalForPoller.pveStandbyPoller ??= startPoller(deps);
  return globalForPoller.pveStandbyPoller;
}

/**
 * Polls a cluster now instead of at its next interval: call it after any change made through
 * pve-standby so the page shows Proxmox's new state within one poll. A no-op when this process
 * runs no poller (POLLER_ENABLED=0 with a separate `npm run poller`); that one polls on schedule.
 */
export function triggerPoll(clusterId: string): void {
  globalForPoller.pveStandbyPoller?.trigger(clusterId);
}
