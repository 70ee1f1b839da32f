import type { ProxmoxClient } from "@/lib/proxmox/client";
import { logger } from "@/lib/logger";
import type { PrismaClient } from "@/prisma/generated/client";
import { applyHaAndOutages } from "./apply-ha";
import type { ClusterSnapshot } from "./read-cluster";
import { readHa, type PlacementApi } from "./read-ha";
import { refreshDiskLists } from "./refresh-disk-lists";

/**
 * The cycle's HA part, called once per successful cluster read before applySnapshot (which
 * overwrites the previous poll's nodes, guests and jobs that outage tracking compares against):
 * read HA cluster-wide, store it, follow node failures and recoveries, refresh a bounded number
 * of disk lists. A failure here never fails the cycle: it is logged and stored on HaState (shown
 * on the Failover page), and replication polling goes on.
 */
export async function followHa(db: PrismaClient, client: ProxmoxClient, clusterId: string, snapshot: ClusterSnapshot, options: { now: Date; signal?: AbortSignal }): Promise<void> {
  try {
    const known = await db.haState.findUnique({ where: { clusterId }, select: { placementApi: true } });
    const ha = await readHa(client, { knownApi: (known?.placementApi ?? "unknown") as PlacementApi, signal: options.signal });
    if (!ha.ok) logger.warn({ clusterId, kind: ha.failure.kind, err: ha.failure.message }, "HA state could not be read; the last one is kept");
    await applyHaAndOutages(db, clusterId, snapshot, ha, options.now);
    const resources = ha.ok ? ha.resources : [];
    await refreshDiskLists(db, client, clusterId, snapshot, resources, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error({ clusterId, err: message }, "following HA and node failures failed this cycle");
    await db.haState
      .upsert({ where: { clusterId }, create: { clusterId, placementApi: "unknown", error: `internal: ${message}`, errorAt: options.now }, update: { error: `internal: ${message}`, errorAt: options.now } })
      .catch((e: unknown) => logger.error({ clusterId, err: e instanceof Error ? e.message : String(e) }, "could not record the HA failure"));
  }
}
