import { logger } from "@/lib/logger";
import { getStorageContent } from "@/lib/proxmox/nodes";
import { clusterNowSeconds } from "@/lib/replication/job-view";
import { parseStoredDisks } from "./disk-list";
import type { GatherDeps } from "./gather";
import { readLiveCluster, type LiveCluster } from "./live-state";
import { findGuestLock } from "./lock";
import { parseOutageReplicas } from "./outage";
import { DEFAULT_MIN_OFFLINE_SECONDS, recoveryPreflight, type RecoveryOutage, type RecoveryPreflight } from "./recovery-preflight";

export type RecoveryGatherDeps = GatherDeps & { minOfflineSeconds?: number };

/** The dead node's open outage as the poller recorded it, with its guests. */
export function findOpenOutage(deps: Pick<GatherDeps, "db">, clusterId: string, node: string) {
  return deps.db.nodeOutage.findFirst({ where: { clusterId, node, endedAt: null }, orderBy: { detectedAt: "desc" }, include: { guests: { orderBy: { vmid: "asc" } } } });
}

/**
 * Reads what the recovery checklist needs: live Proxmox state, the poller's outage record and
 * the guest's kept disk list, the target's storage content for each replicated disk, our lock.
 */
export async function gatherRecoveryPreflight(
  deps: RecoveryGatherDeps,
  input: { clusterId: string; vmid: number; node: string; target?: string | null },
  options: { live?: LiveCluster; ownOperationId?: string } = {},
): Promise<RecoveryPreflight & { live: LiveCluster }> {
  const { clusterId, vmid, node } = input;
  const live = options.live ?? (await readLiveCluster(deps.client, deps.now));
  const [outage, diskRow, cluster, lock] = await Promise.all([
    findOpenOutage(deps, clusterId, node),
    deps.db.guestDiskList.findUnique({ where: { clusterId_vmid: { clusterId, vmid } } }),
    deps.db.cluster.findUnique({ where: { id: clusterId }, select: { lastPollOkAt: true, clockSkewMs: true } }),
    findGuestLock(deps.db, clusterId, vmid),
  ]);
  const row = outage?.guests.find((g) => g.vmid === vmid) ?? null;
  const disks = diskRow && diskRow.readAt ? parseStoredDisks(diskRow.disks) : null;
  const guest = row ? { type: row.type, name: row.name, statusBefore: row.statusBefore, replicas: parseOutageReplicas(row.replicas) } : null;
  const base = {
    live, vmid, deadNode: node, outage: outage as RecoveryOutage | null, guest, disks, lock, ownOperationId: options.ownOperationId,
    lastPollAt: cluster?.lastPollOkAt ? clusterNowSeconds(cluster.lastPollOkAt, cluster.clockSkewMs) : null,
    minOfflineSeconds: deps.minOfflineSeconds ?? DEFAULT_MIN_OFFLINE_SECONDS,
  };
  // First without listings to learn the target, then read only that target's storages.
  const first = recoveryPreflight({ ...base, target: input.target ?? null, targetVolumes: new Map() });
  const target = first.plan?.target ?? input.target ?? null;
  const targetVolumes = new Map<string, string[] | string>();
  if (target && live.nodes.get(target) === true) {
    const storages = [...new Set((disks ?? []).filter((d) => d.storage && !d.shared && !d.cdrom).map((d) => d.storage as string))];
    await Promise.all(storages.map(async (storage) => {
      try {
        const content = await getStorageContent(deps.client, target, storage, { vmid });
        targetVolumes.set(storage, content.data.map((c) => c.volid));
      } catch (error) {
        logger.warn({ clusterId, vmid, target, storage, err: error }, "Recovery preflight could not list the target's storage");
        targetVolumes.set(storage, error instanceof Error ? error.message : String(error));
      }
    }));
  }
  return { ...recoveryPreflight({ ...base, target, targetVolumes }), live };
}
