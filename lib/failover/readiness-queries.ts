import "server-only";
import { z } from "zod";
import { JOB_ROW_SELECT, toJobView } from "@/lib/replication/job-rows";
import { clusterNowSeconds, targetOnlineLookup } from "@/lib/replication/job-view";
import type { PrismaClient } from "@/prisma/generated/client";
import { parseStoredDisks } from "./disk-list";
import { haSidOf, parseHaPlacement, parseHaResources } from "./ha-state";
import { assessReadiness, type Readiness, type ReadinessNode } from "./readiness";

// Readiness read from our database (the poller keeps it fresh), never from Proxmox.

const zfsSchema = z
  .array(z.object({ storage: z.string(), type: z.string().nullish(), used: z.number().optional(), total: z.number().optional() }).loose())
  .catch([]);

function parseZfs(text: string): ReadinessNode["zfs"] {
  try {
    return zfsSchema.parse(JSON.parse(text)).filter((s) => !s.type || s.type === "zfspool");
  } catch {
    return [];
  }
}

export type GuestReadiness = { vmid: number; name: string | null; type: string; node: string; template: boolean; readiness: Readiness };
export type ReadinessSummary = { ready: number; warnings: number; notReady: number; total: number };

/**
 * Every guest's readiness in one cluster (or one guest with `vmid`), with the job facts from the
 * one job view (toJobView) at the cluster's clock.
 */
export async function getClusterReadiness(db: PrismaClient, clusterId: string, options: { now?: Date; vmid?: number } = {}) {
  const cluster = await db.cluster.findUnique({
    where: { id: clusterId },
    select: { id: true, name: true, clockSkewMs: true, timeZone: true, nodes: { orderBy: { name: "asc" }, select: { name: true, online: true, storage: true } } },
  });
  if (!cluster) return null;
  const guestWhere = { clusterId, goneAt: null, ...(options.vmid !== undefined ? { vmid: options.vmid } : {}) };
  const [guests, jobs, ha, diskLists] = await Promise.all([
    db.guest.findMany({ where: guestWhere, orderBy: { vmid: "asc" } }),
    db.replicationJob.findMany({ where: { ...guestWhere }, select: JOB_ROW_SELECT }),
    db.haState.findUnique({ where: { clusterId } }),
    db.guestDiskList.findMany({ where: guestWhere.vmid !== undefined ? { clusterId, vmid: guestWhere.vmid } : { clusterId } }),
  ]);
  const clusterNow = clusterNowSeconds(options.now ?? new Date(), cluster.clockSkewMs);
  const targetOnline = targetOnlineLookup(cluster.nodes.map((n) => ({ ...n, clusterId })));
  const nodes: ReadinessNode[] = cluster.nodes.map((n) => ({ name: n.name, online: n.online, zfs: parseZfs(n.storage) }));
  const resources = parseHaResources(ha?.resources);
  const placements = parseHaPlacement(ha?.placement);
  const listByVmid = new Map(diskLists.map((d) => [d.vmid, d]));
  const result: GuestReadiness[] = guests.map((g) => {
    const views = jobs
      .filter((j) => j.vmid === g.vmid)
      .map((j) => toJobView(j, { clusterName: cluster.name, guest: undefined, clusterNow, targetOnline: targetOnline(clusterId, j.target), timeZone: cluster.timeZone }));
    const list = listByVmid.get(g.vmid);
    const readiness = assessReadiness({
      guest: { vmid: g.vmid, type: g.type, node: g.node, template: g.template },
      nodes,
      jobs: views.map((v) => ({
        jobId: v.jobId, target: v.target, status: v.status, message: v.statusMessage, lastSync: v.lastSync, lagSeconds: v.lagSeconds, rpoSeconds: v.rpoSeconds,
        overRpo: v.overRpo, disabled: v.disabled, removeJob: v.removeJob,
      })),
      disks: list ? { list: parseStoredDisks(list.disks), readAt: list.readClusterTime, error: list.error } : null,
      ha: { resource: resources.find((r) => r.sid === haSidOf(g.type, g.vmid)) ?? null, placements, placementApi: ha?.placementApi ?? "unknown" },
      now: clusterNow,
    });
    return { vmid: g.vmid, name: g.name, type: g.type, node: g.node, template: g.template, readiness };
  });
  return {
    clusterId,
    clusterName: cluster.name,
    clusterNow,
    ha: { readAt: ha?.readAt?.toISOString() ?? null, error: ha?.error ?? null, errorAt: ha?.errorAt?.toISOString() ?? null, placementApi: ha?.placementApi ?? "unknown" },
    guests: result,
    summary: summarize(result),
  };
}
export type ClusterReadiness = NonNullable<Awaited<ReturnType<typeof getClusterReadiness>>>;

export function summarize(guests: GuestReadiness[]): ReadinessSummary {
  const live = guests.filter((g) => !g.template);
  return {
    total: live.length,
    ready: live.filter((g) => g.readiness.verdict === "ready").length,
    warnings: live.filter((g) => g.readiness.verdict === "warnings").length,
    notReady: live.filter((g) => g.readiness.verdict === "not-ready").length,
  };
}
