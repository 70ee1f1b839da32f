import type { ProxmoxClient } from "@/lib/proxmox/client";
import { getGuestConfig, parseGuestDisks, readStartupOrder } from "@/lib/proxmox/guest-config";
import type { StoredDisk } from "@/lib/failover/disk-list";
import { haSidOf, type HaResourceState } from "@/lib/failover/ha-state";
import { logger } from "@/lib/logger";
import type { PrismaClient } from "@/prisma/generated/client";
import { describeFailure, type ClusterSnapshot } from "./read-cluster";

/** A guest's disk list is re-read this often; sooner when its jobs change. */
export const DISK_LIST_MAX_AGE_SECONDS = 3600;
/** A failed read is retried after this long, not every cycle. */
const RETRY_AFTER_SECONDS = 600;
/** Configs read per cycle at most: the request count stays bounded, however many guests there are. */
export const DISK_LISTS_PER_CYCLE = 6;

/**
 * Keeps each protected guest's disk list (replicated or HA-managed) and its startup order (a node
 * recovery's start order: a dead node's configurations cannot be read later), read from its configuration
 * on the node that owns it: once an hour per guest, at once when the guest's jobs change, at most
 * DISK_LISTS_PER_CYCLE per cycle (the stalest first). A dead node's guests keep their last list,
 * which is the point: their configuration cannot be read later. Never throws for a Proxmox error:
 * the failure is stored on the guest's row and logged.
 */
export async function refreshDiskLists(
  db: PrismaClient,
  client: ProxmoxClient,
  clusterId: string,
  snapshot: ClusterSnapshot,
  haResources: HaResourceState[],
  options: { now: Date; signal?: AbortSignal; limit?: number },
): Promise<{ read: number; failed: number }> {
  const t = snapshot.clusterTime;
  const jobsByGuest = new Map<number, string[]>();
  for (const j of snapshot.jobs) jobsByGuest.set(j.guest, [...(jobsByGuest.get(j.guest) ?? []), `${j.id}>${j.target}`]);
  const ha = new Set(haResources.map((r) => r.sid));
  const guests = snapshot.resources.filter(
    (r): r is typeof r & { vmid: number; node: string; type: "qemu" | "lxc" } =>
      (r.type === "qemu" || r.type === "lxc") && r.vmid !== undefined && !!r.node && snapshot.onlineNodes.includes(r.node) && !r.template &&
      (jobsByGuest.has(r.vmid) || ha.has(haSidOf(r.type, r.vmid))),
  );
  const rows = new Map((await db.guestDiskList.findMany({ where: { clusterId } })).map((r) => [r.vmid, r]));
  const due = guests
    .map((g) => {
      const jobsKey = (jobsByGuest.get(g.vmid) ?? []).sort().join(",");
      const row = rows.get(g.vmid);
      const age = row?.readClusterTime != null ? t - row.readClusterTime : Infinity;
      const failedRecently = row?.errorAt != null && options.now.getTime() - row.errorAt.getTime() < RETRY_AFTER_SECONDS * 1000;
      const urgent = !row || row.readClusterTime === null || row.jobsKey !== jobsKey;
      const isDue = (urgent || age >= DISK_LIST_MAX_AGE_SECONDS) && !failedRecently;
      return { g, jobsKey, isDue, rank: urgent ? Infinity : age };
    })
    .filter((d) => d.isDue)
    .sort((a, b) => b.rank - a.rank || a.g.vmid - b.g.vmid)
    .slice(0, options.limit ?? DISK_LISTS_PER_CYCLE);

  const storages = new Map(
    snapshot.resources.filter((r) => r.type === "storage" && r.node && r.storage).map((r) => [`${r.node}/${r.storage}`, { type: r.plugintype ?? null, shared: r.shared ?? null }]),
  );
  let failed = 0;
  for (const { g, jobsKey } of due) {
    const key = { clusterId_vmid: { clusterId, vmid: g.vmid } };
    try {
      const config = await getGuestConfig(client, g.node, g.type, g.vmid, { signal: options.signal });
      const disks: StoredDisk[] = parseGuestDisks(g.type, config.data).map((d) => {
        const storage = d.storage ? storages.get(`${g.node}/${d.storage}`) : undefined;
        return { ...d, storageType: storage?.type ?? null, shared: storage?.shared ?? null };
      });
      const readClusterTime = config.serverTime ? Math.floor(config.serverTime.getTime() / 1000) : t;
      const startupOrder = readStartupOrder(typeof config.data.startup === "string" ? config.data.startup : undefined);
      const data = { type: g.type, node: g.node, disks: JSON.stringify(disks), startupOrder, jobsKey, readAt: options.now, readClusterTime, error: null, errorAt: null };
      await db.guestDiskList.upsert({ where: key, create: { clusterId, vmid: g.vmid, ...data }, update: data });
    } catch (error) {
      failed++;
      const failure = describeFailure(error);
      logger.warn({ clusterId, vmid: g.vmid, node: g.node, kind: failure.kind, err: failure.message }, "guest configuration read failed; its last disk list is kept");
      const data = { error: `${failure.kind}: ${failure.message}`, errorAt: options.now };
      await db.guestDiskList.upsert({ where: key, create: { clusterId, vmid: g.vmid, type: g.type, node: g.node, jobsKey: "", ...data }, update: data });
    }
  }
  return { read: due.length - failed, failed };
}
