import "server-only";
import type { PrismaClient } from "@/prisma/generated/client";
import { dataLossWindow, parseOutageReplicas } from "./outage";

/**
 * The last recovery that brought this guest to the node it runs on now: where it came from, the
 * replica it runs from and the data lost. Null when it was never recovered to its current node.
 */
export async function getGuestRecovery(db: PrismaClient, clusterId: string, vmid: number, currentNode: string | null) {
  if (!currentNode) return null;
  const row = await db.outageGuest.findFirst({
    where: { vmid, recoveredTo: currentNode, outage: { clusterId } },
    orderBy: { recoveredAt: "desc" },
    include: { outage: true },
  });
  if (!row) return null;
  const replicas = parseOutageReplicas(row.replicas);
  return {
    fromNode: row.outage.node,
    fromNodeBack: row.outage.endedAt !== null,
    recoveredTo: row.recoveredTo,
    recoveredAt: row.recoveredAt,
    startedAt: row.startedAt,
    replicaOf: replicas.find((r) => r.target === currentNode)?.lastSync ?? null,
    failedAt: row.outage.failedAt,
    dataLoss: dataLossWindow(row.outage, replicas, row.recoveredTo),
    problem: row.problem,
  };
}
export type GuestRecovery = NonNullable<Awaited<ReturnType<typeof getGuestRecovery>>>;
