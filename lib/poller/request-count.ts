import type { ProxmoxClient } from "@/lib/proxmox/client";
import type { PrismaClient } from "@/prisma/generated/client";

/**
 * The client a poll cycle uses, counting the Proxmox API calls made through it (each `call()`,
 * whatever it answered; a GET's transparent retries are one call). One wrapper per cycle, so the
 * count is that cycle's and nothing else's.
 */
export function countingClient(client: ProxmoxClient): { client: ProxmoxClient; requests: () => number } {
  let requests = 0;
  return {
    client: {
      call(call) {
        requests++;
        return client.call(call);
      },
      activeEndpoint: () => client.activeEndpoint(),
      close: () => client.close(),
    },
    requests: () => requests,
  };
}

/** Stores the cost of the cluster's last cycle with its poll health (read by /api/metrics). */
export async function recordPollCost(db: PrismaClient, clusterId: string, cost: { ms: number; requests: number }): Promise<void> {
  await db.cluster.updateMany({ where: { id: clusterId }, data: { lastPollMs: Math.round(cost.ms), lastPollRequests: cost.requests } });
}
