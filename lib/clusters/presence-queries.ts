import "server-only";
import type { PrismaClient } from "@/prisma/generated/client";
import { guestPresence, type GuestPresence } from "./guest-presence";

/**
 * guestPresence for a cluster's guests, with the state each had when its node was seen going
 * offline (NodeOutage), since Proxmox's own answer turns into "unknown" after five minutes.
 */
export async function presenceByGuest(
  db: PrismaClient,
  clusterId: string,
  guests: { vmid: number; status: string; node: string | null }[],
  nodes: { name: string; online: boolean; lastSeenAt: Date | string | null }[],
): Promise<Map<number, GuestPresence>> {
  const offline = nodes.filter((n) => !n.online).map((n) => n.name);
  const before = new Map<string, string>();
  if (offline.length) {
    const rows = await db.outageGuest.findMany({
      where: { vmid: { in: guests.map((g) => g.vmid) }, outage: { clusterId, endedAt: null, node: { in: offline } } },
      select: { vmid: true, statusBefore: true, outage: { select: { node: true } } },
    });
    for (const r of rows) before.set(`${r.outage.node}/${r.vmid}`, r.statusBefore);
  }
  return new Map(guests.map((g) => [g.vmid, guestPresence(g, nodes.find((n) => n.name === g.node), before.get(`${g.node}/${g.vmid}`))]));
}
