import { getDb } from "@/lib/db/app-db";
import { logger } from "@/lib/logger";
import type { PrismaClient } from "@/prisma/generated/client";
import { requestPoll } from "./poll-request";
import { startPoller, type Poller, type PollerDeps } from "./poller";

// One poller per server process; the globalThis slot survives dev-mode module reloads.
const globalForPoller = globalThis as unknown as { pveStandbyPoller?: Poller };

export function startAppPoller(deps: { db: PrismaClient; clients: PollerDeps["clients"]; intervalSeconds?: number; onCycle?: PollerDeps["onCycle"] }): Poller {
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
 * pve-standby (and on a Proxmox push) so the page shows Proxmox's new state within one poll.
 * One mechanism for every setup: the request is marked on the cluster row, which the poller of
 * whichever process runs it (this one, or `npm run poller` with POLLER_ENABLED=0 here) honours at
 * its next tick, within a second; a poller in this process is woken at once after the mark is
 * written, so its cycle clears the mark instead of polling twice.
 */
export function triggerPoll(clusterId: string): void {
  void requestPoll(getDb(), clusterId)
    .catch((error: unknown) => logger.error({ clusterId, err: error }, "Could not mark the cluster for a poll; it is polled at its next interval"))
    .finally(() => globalForPoller.pveStandbyPoller?.trigger(clusterId));
}
