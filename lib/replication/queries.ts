import "server-only";
import { z } from "zod";
import type { GuestPresence } from "@/lib/clusters/guest-presence";
import { presenceByGuest } from "@/lib/clusters/presence-queries";
import { getGuestRecovery } from "@/lib/failover/recovery-queries";
import { logger } from "@/lib/logger";
import type { PrismaClient } from "@/prisma/generated/client";
import { JOB_ROW_SELECT, toJobView, type JobView } from "./job-rows";
import { clusterNowSeconds, targetOnlineLookup } from "./job-view";
import { OVERVIEW_PAGE_SIZE, type OverviewFilters } from "./overview-filters";
import { clusterClocks, queryOverviewSlice, readJobRows } from "./overview-query";
import type { StatusCounts } from "./status-display";

// Reads for the replication pages. Everything comes from our database (the poller keeps it
// fresh), never from Proxmox, so a dead node can make data stale but never make a page hang.

/** A cluster not read for this long is called out on the overview (four missed 15-s polls). */
const STALE_CLUSTER_SECONDS = 60;

export type { JobView } from "./job-rows";

export type OverviewHeadline = {
  protectedGuests: number;
  unprotectedGuests: number;
  /** Every job by status: the same grouping and words as the overview's filter chips. */
  jobs: { total: number; byStatus: StatusCounts };
  worst: { id: string; jobId: string; clusterName: string; guestName: string | null; lagSeconds: number; rpoSeconds: number } | null;
};

/**
 * The overview: headline counts over every job, status counts for the filter chips (after the
 * search, before the status filter), and one sorted page. Counting, filtering, sorting and paging
 * run in SQL on what the poller stored from each job's view (overview-query.ts); only the page's
 * jobs (and the worst one) are read and derived (toJobView) at the cluster's clock, so the lag
 * and status shown are the view's, never the poller's older figures.
 */
export async function getReplicationOverview(db: PrismaClient, filters: OverviewFilters, options: { now?: Date } = {}) {
  const now = options.now ?? new Date();
  const nowSeconds = now.getTime() / 1000;
  const [clusters, nodes] = await Promise.all([
    db.cluster.findMany({ select: { id: true, name: true, clockSkewMs: true, timeZone: true, enabled: true, lastPollOkAt: true, lastError: true } }),
    db.clusterNode.findMany({ select: { clusterId: true, name: true, online: true, lastSeenAt: true } }),
  ]);
  const clusterById = new Map(clusters.map((c) => [c.id, c]));
  const slice = await queryOverviewSlice(db, clusterClocks(clusters.map((c) => ({ id: c.id, name: c.name, now: clusterNowSeconds(now, c.clockSkewMs) }))), filters);
  const ids = [...new Set([...slice.pageIds, ...(slice.worstId ? [slice.worstId] : [])])];
  const jobs = await readJobRows(db, ids);
  const targetOnline = targetOnlineLookup(nodes);
  const viewById = new Map(
    jobs.map((j) => {
      const cluster = clusterById.get(j.clusterId);
      const { guest: _guest, ...row } = j;
      const view = toJobView(row, {
        clusterName: cluster?.name ?? j.clusterId,
        guest: j.guest,
        clusterNow: clusterNowSeconds(now, cluster?.clockSkewMs),
        targetOnline: targetOnline(j.clusterId, j.target),
        timeZone: cluster?.timeZone ?? null,
      });
      return [j.id, view];
    }),
  );
  const worst = slice.worstId ? viewById.get(slice.worstId) : undefined;
  const pageJobs = slice.pageIds.flatMap((id) => viewById.get(id) ?? []);
  const guestByKey = new Map(jobs.flatMap((j) => (j.guest ? [[guestKey(j.clusterId, j.vmid), { clusterId: j.clusterId, vmid: j.vmid, status: j.guest.status, node: j.guest.node }] as const] : [])));
  const presence = await presenceOfJobs(db, pageJobs, guestByKey, nodes);
  const headline: OverviewHeadline = {
    protectedGuests: slice.protectedGuests,
    unprotectedGuests: slice.candidateGuests - slice.protectedGuests,
    jobs: { total: Object.values(slice.allCounts).reduce((a, b) => a + b, 0), byStatus: slice.allCounts },
    worst: worst && worst.lagSeconds !== null
      ? { id: worst.id, jobId: worst.jobId, clusterName: worst.clusterName, guestName: worst.guestName, lagSeconds: worst.lagSeconds, rpoSeconds: worst.rpoSeconds }
      : null,
  };
  return {
    /** The filters this answer is for (the page as clamped): lets the overview tell its answer from a newer request. */
    filters: { ...filters, page: slice.page },
    clusterCount: clusters.length,
    clusters: clusters.map((c) => ({ id: c.id, name: c.name })),
    unreadable: clusters.flatMap((c) => {
      const silentSeconds = c.lastPollOkAt ? Math.round(nowSeconds - c.lastPollOkAt.getTime() / 1000) : null;
      return c.enabled && (silentSeconds === null || silentSeconds > STALE_CLUSTER_SECONDS) ? [{ id: c.id, name: c.name, silentSeconds, lastError: c.lastError }] : [];
    }),
    headline,
    statusCounts: slice.statusCounts,
    total: slice.total,
    page: slice.page,
    pageCount: slice.pageCount,
    pageSize: OVERVIEW_PAGE_SIZE,
    jobs: pageJobs.map((j) => ({ ...j, guestPresence: presence.get(guestKey(j.clusterId, j.vmid)) ?? null })),
  };
}
export type ReplicationOverview = Awaited<ReturnType<typeof getReplicationOverview>>;

/** The state of each listed job's guest as guestPresence tells it (only the page's guests). */
async function presenceOfJobs(
  db: PrismaClient,
  jobs: JobView[],
  guestByKey: Map<string, { clusterId: string; vmid: number; status: string; node: string }>,
  nodes: { clusterId: string; name: string; online: boolean; lastSeenAt: Date | null }[],
): Promise<Map<string, GuestPresence>> {
  const out = new Map<string, GuestPresence>();
  for (const clusterId of new Set(jobs.map((j) => j.clusterId))) {
    const guests = [...new Set(jobs.filter((j) => j.clusterId === clusterId).map((j) => j.vmid))].flatMap((vmid) => guestByKey.get(guestKey(clusterId, vmid)) ?? []);
    const byVmid = await presenceByGuest(db, clusterId, guests, nodes.filter((n) => n.clusterId === clusterId));
    for (const [vmid, p] of byVmid) out.set(guestKey(clusterId, vmid), p);
  }
  return out;
}

const nodeStorageSchema = z.array(z.object({ storage: z.string(), type: z.string().optional(), used: z.number().optional(), total: z.number().optional() }).loose());

/** One cluster: poll health, nodes (online, ZFS fill as last read) and guests with their protection. */
export async function getClusterReplication(db: PrismaClient, clusterId: string, options: { now?: Date } = {}) {
  const cluster = await db.cluster.findUnique({
    where: { id: clusterId },
    select: {
      id: true, name: true, enabled: true, lastPollAt: true, lastPollOkAt: true, lastError: true, lastErrorKind: true,
      quorate: true, pveVersion: true, clockSkewMs: true, timeZone: true,
      nodes: { orderBy: { name: "asc" }, select: { name: true, online: true, lastSeenAt: true, ip: true, storage: true } },
    },
  });
  if (!cluster) return null;
  const now = options.now ?? new Date();
  const [guests, jobs] = await Promise.all([
    db.guest.findMany({ where: { clusterId, goneAt: null }, orderBy: { vmid: "asc" } }),
    db.replicationJob.findMany({ where: { clusterId, goneAt: null }, select: JOB_ROW_SELECT }),
  ]);
  const targetOnline = targetOnlineLookup(cluster.nodes.map((n) => ({ ...n, clusterId })));
  const clusterNow = clusterNowSeconds(now, cluster.clockSkewMs);
  const views = jobs.map((j) => toJobView(j, { clusterName: cluster.name, guest: undefined, clusterNow, targetOnline: targetOnline(clusterId, j.target), timeZone: cluster.timeZone }));
  const jobsByGuest = groupBy(views, (v) => v.vmid);
  const presence = await presenceByGuest(db, clusterId, guests, cluster.nodes);
  const { nodes, ...rest } = cluster;
  return {
    readAt: now.toISOString(),
    cluster: { ...rest, lastPollAt: iso(rest.lastPollAt), lastPollOkAt: iso(rest.lastPollOkAt) },
    nodes: nodes.map((n) => ({
      name: n.name,
      online: n.online,
      ip: n.ip,
      lastSeenAt: iso(n.lastSeenAt),
      zfs: readStoredStorage(n.storage, clusterId, n.name).filter((s) => !s.type || s.type === "zfspool"),
      guests: guests.filter((g) => g.node === n.name).length,
    })),
    guests: guests.map((g) => {
      const guestJobs = jobsByGuest.get(g.vmid) ?? [];
      return {
        vmid: g.vmid, name: g.name, type: g.type, node: g.node, status: g.status, haState: g.haState, template: g.template,
        presence: presence.get(g.vmid) ?? null,
        protection: protectionOf(guestJobs),
        jobs: guestJobs.map((j) => ({ id: j.id, jobId: j.jobId, target: j.target, status: j.status, lagSeconds: j.lagSeconds, rpoSeconds: j.rpoSeconds })),
      };
    }),
  };
}
export type ClusterReplication = NonNullable<Awaited<ReturnType<typeof getClusterReplication>>>;

/** One guest: its jobs (live ones as table rows) and its most recent runs across them. */
export async function getGuestReplication(db: PrismaClient, clusterId: string, vmid: number, options: { now?: Date; runs?: number } = {}) {
  const [cluster, guest] = await Promise.all([
    db.cluster.findUnique({ where: { id: clusterId }, select: { id: true, name: true, clockSkewMs: true, timeZone: true, nodes: { select: { name: true, online: true, lastSeenAt: true }, orderBy: { name: "asc" } } } }),
    db.guest.findUnique({ where: { clusterId_vmid: { clusterId, vmid } } }),
  ]);
  if (!cluster) return null;
  const jobs = await db.replicationJob.findMany({ where: { clusterId, vmid }, select: { ...JOB_ROW_SELECT, goneAt: true }, orderBy: { jobId: "asc" } });
  if (!guest && jobs.length === 0) return null;
  const info = guest ? { name: guest.name, type: guest.type, node: guest.node } : undefined;
  const targetOnline = targetOnlineLookup(cluster.nodes.map((n) => ({ ...n, clusterId })));
  const clusterNow = clusterNowSeconds(options.now ?? new Date(), cluster.clockSkewMs);
  const runs = await db.jobRun.findMany({
    where: { jobRowId: { in: jobs.map((j) => j.id) } },
    orderBy: { startedAt: "desc" },
    take: options.runs ?? 50,
    select: { id: true, jobRowId: true, startedAt: true, endedAt: true, durationSeconds: true, outcome: true, kind: true, error: true },
  });
  const jobIdByRow = new Map(jobs.map((j) => [j.id, j.jobId]));
  const presence = guest ? (await presenceByGuest(db, clusterId, [guest], cluster.nodes)).get(guest.vmid) ?? null : null;
  return {
    cluster: { id: cluster.id, name: cluster.name, nodes: cluster.nodes.map((n) => ({ name: n.name, online: n.online })) },
    presence,
    recovery: await getGuestRecovery(db, clusterId, vmid, guest?.node ?? null),
    guest: guest
      ? { vmid: guest.vmid, name: guest.name, type: guest.type, node: guest.node, status: guest.status, haState: guest.haState, template: guest.template, goneAt: iso(guest.goneAt) }
      : { vmid, name: null, type: null, node: null, status: "unknown", haState: null, template: false, goneAt: null },
    jobs: jobs.filter((j) => j.goneAt === null).map(({ goneAt: _gone, ...j }) => toJobView(j, { clusterName: cluster.name, guest: info, clusterNow, targetOnline: targetOnline(clusterId, j.target), timeZone: cluster.timeZone })),
    goneJobs: jobs.filter((j) => j.goneAt !== null).map((j) => ({ id: j.id, jobId: j.jobId, target: j.target, goneAt: iso(j.goneAt) })),
    runs: runs.map((r) => ({ ...r, jobId: jobIdByRow.get(r.jobRowId) ?? "" })),
  };
}
export type GuestReplication = NonNullable<Awaited<ReturnType<typeof getGuestReplication>>>;

/** protected: every active job fine; attention: some job needs a look; none: no active job. */
function protectionOf(jobs: JobView[]): "protected" | "attention" | "unprotected" {
  const active = jobs.filter((j) => !j.disabled && !j.removeJob);
  if (active.length === 0) return "unprotected";
  return active.every((j) => j.status === "ok" || j.status === "syncing") ? "protected" : "attention";
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/**
 * The ZFS fill the poller stored for a node. The poller writes it from a validated answer, so an
 * unreadable value is our defect: logged, and the node shown without fill rather than the page failing.
 */
function readStoredStorage(text: string, clusterId: string, node: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    logger.error({ clusterId, node, err: error }, "Stored node storage is not JSON; showing the node without ZFS fill");
    return [];
  }
  const result = nodeStorageSchema.safeParse(parsed);
  if (result.success) return result.data;
  logger.error({ clusterId, node, issues: result.error.issues.slice(0, 3) }, "Stored node storage does not match its schema; showing the node without ZFS fill");
  return [];
}

function guestKey(clusterId: string, vmid: number): string {
  return `${clusterId}/${vmid}`;
}
