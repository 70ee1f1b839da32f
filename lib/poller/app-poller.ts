import type { PrismaClient } from "@/prisma/generated/client";
import { startPoller, type Poller, type PollerDeps } from "./poller";

// One poller per server process; the globalThis slot survives dev-mode module reloads.
const globalForPoller = globalThis as unknown as { pveStandbyPoller?: Poller };

export function startAppPoller(deps: { db: PrismaClient; clients: PollerDeps["clients"]; intervalSeconds?: number }): Poller {
  globalForPoller.pveStandbyPoller ??= startPoller(deps);
  return globalForPoller.pveStandbyPoller;
}

/**
 * Stops this process's poller and gives back its leases (SIGTERM of the app), so a restarted
 * app or another instance polls at once instead of after the leases lapse.
 */
export async function stopAppPoller(): Promise<void> {
  const poller = globalForPoller.pveStandbyPoller;
  if (!poller) return;
  globalForPoller.pveStandbyPoller = undefined;
  await poller.stop();
}

/**
 * Polls a cluster now instead of at its next interval: call it after any change made through
 * pve-standby so the page shows Proxmox's new state within one poll. A no-op when this process
 * runs no poller (POLLER_ENABLED=0 with a separate `npm run poller`); that one polls on schedule.
 */
export function triggerPoll(clusterId: string): void {
  globalForPoller.pveStandbyPoller?.trigger(clusterId);
}
