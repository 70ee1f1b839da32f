import "server-only";
import { z } from "zod";
import type { GuestPresence } from "@/lib/clusters/guest-presence";
import { presenceByGuest } from "@/lib/clusters/presence-queries";
import { getGuestRecovery } from "@/lib/failover/recovery-queries";
import { logger } from "@/lib/logger";
import type { PrismaClient } from "@/prisma/generated/client";
import { JOB_ROW_SELECT, toJobView, type JobView } from "./job-rows";
import { clusterNowSeconds, targetOnlineLookup } from "./job-view";
import { OVERVIEW_PAGE_SIZE, STATUS_SEVERITY, type OverviewFilters } from "./overview-filters";
import { countByStatus, type StatusCounts } from "./status-display";

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
 * search, before the status filter), and one sorted page. Sorting by lag against RPO and by
 * severity cannot be done in SQL (the default RPO comes from the schedule), so every live job
 * is read with a narrow select and sorted here: 5,000 jobs take a few milliseconds.
 */
export async function getReplicationOverview(db: PrismaClient, filters: OverviewFilters, options: { now?: Date } = {}) {
  const now = options.now ?? new Date();
  const nowSeconds = now.getTime() / 1000;
  const [clusters, guests, jobs, nodes] = await Promise.all([
    db.cluster.findMany({ select: { id: true, name: true, clockSkewMs: true, timeZone: true, enabled: true, lastPollOkAt: true, lastError: true } }),
    db.guest.findMany({ where: { goneAt: null }, select: { clusterId: true, vmid: true, name: true, type: true, node: true, template: true, status: true } }),
    db.replicationJob.findMany({ where: { goneAt: null }, select: JOB_ROW_SELECT }),
    db.clusterNode.findMany({ select: { clusterId: true, name: true, online: true, lastSeenAt: true } }),
  ]);
  const clusterById = new Map(clusters.map((c) => [c.id, c]));
  const guestByKey = new Map(guests.map((g) => [guestKey(g.clusterId, g.vmid), g]));
  const targetOnline = targetOnlineLookup(nodes);
  const views = jobs.map((j) => {
    const cluster = clusterById.get(j.clusterId);
    return toJobView(j, {
      clusterName: cluster?.name ?? j.clusterId,
      guest: guestByKey.get(guestKey(j.clusterId, j.vmid)),
      clusterNow: clusterNowSeconds(now, cluster?.clockSkewMs),
      targetOnline: targetOnline(j.clusterId, j.target),
      timeZone: cluster?.timeZone ?? null,
    });
  });

  const headline = computeHeadline(views, guests);
  const inCluster = filters.cluster ? views.filter((v) => v.clusterId === filters.cluster) : views;
  const searched = filters.q ? inCluster.filter(matches(filters.q)) : inCluster;
  const statusCounts = countByStatus(searched);
  const filtered = filters.status.length ? searched.filter((v) => filters.status.includes(v.status)) : searched;
  const sorted = filtered.sort(compareBy(filters.sort, filters.dir));
  const pageCount = Math.max(1, Math.ceil(sorted.length / OVERVIEW_PAGE_SIZE));
  const page = Math.min(filters.page, pageCount);
  const pageJobs = sorted.slice((page - 1) * OVERVIEW_PAGE_SIZE, page * OVERVIEW_PAGE_SIZE);
  const presence = await presenceOfJobs(db, pageJobs, guestByKey, nodes);
  return {
    clusterCount: clusters.length,
    clusters: clusters.map((c) => ({ id: c.id, name: c.name })),
    unreadable: clusters.flatMap((c) => {
      const silentSeconds = c.lastPollOkAt ? Math.round(nowSeconds - c.lastPollOkAt.getTime() / 1000) : null;
      return c.enabled && (silentSeconds === null || silentSeconds > STALE_CLUSTER_SECONDS) ? [{ id: c.id, name: c.name, silentSeconds, lastError: c.lastError }] : [];
    }),
    headline,
    statusCounts,
    total: sorted.length,
    page,
    pageCount,
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

function computeHeadline(views: JobView[], guests: { clusterId: string; vmid: number; template: boolean }[]): OverviewHeadline {
  const protectedKeys = new Set(views.filter((v) => !v.disabled && !v.removeJob).map((v) => guestKey(v.clusterId, v.vmid)));
  const candidates = guests.filter((g) => !g.template);
  const protectedGuests = candidates.filter((g) => protectedKeys.has(guestKey(g.clusterId, g.vmid))).length;
  let worst: OverviewHeadline["worst"] = null;
  for (const v of views) {
    if (v.disabled || v.removeJob || v.lagSeconds === null) continue;
    if (!worst || v.lagSeconds / v.rpoSeconds > worst.lagSeconds / worst.rpoSeconds) {
      worst = { id: v.id, jobId: v.jobId, clusterName: v.clusterName, guestName: v.guestName, lagSeconds: v.lagSeconds, rpoSeconds: v.rpoSeconds };
    }
  }
  return {
    protectedGuests,
    unprotectedGuests: candidates.length - protectedGuests,
    jobs: { total: views.length, byStatus: countByStatus(views) },
    worst,
  };
}

/** protected: every active job fine; attention: some job needs a look; none: no active job. */
function protectionOf(jobs: JobView[]): "protected" | "attention" | "unprotected" {
  const active = jobs.filter((j) => !j.disabled && !j.removeJob);
  if (active.length === 0) return "unprotected";
  return active.every((j) => j.status === "ok" || j.status === "syncing") ? "protected" : "attention";
}

function compareBy(sort: OverviewFilters["sort"], dir: OverviewFilters["dir"]) {
  const sign = dir === "asc" ? 1 : -1;
  const ratio = (v: JobView) => (v.lagSeconds === null ? -1 : v.lagSeconds / v.rpoSeconds);
  const keys: Record<OverviewFilters["sort"], (v: JobView) => number | string> = {
    // Severity is "most urgent first" when descending, the natural reading of the default.
    severity: (v) => -STATUS_SEVERITY[v.status] * 1e6 + Math.min(ratio(v), 999_999),
    lag: ratio,
    guest: (v) => v.vmid,
    cluster: (v) => v.clusterName.toLowerCase(),
    lastSync: (v) => v.lastSync ?? 0,
    nextSync: (v) => v.nextSync ?? Number.MAX_SAFE_INTEGER,
    failCount: (v) => v.failCount,
    duration: (v) => v.duration ?? -1,
  };
  const key = keys[sort];
  return (a: JobView, b: JobView) => {
    const ka = key(a);
    const kb = key(b);
    const order = ka < kb ? -1 : ka > kb ? 1 : 0;
    return order * sign || a.clusterName.localeCompare(b.clusterName) || a.jobId.localeCompare(b.jobId, undefined, { numeric: true });
  };
}

function matches(query: string) {
  const needle = query.toLowerCase();
  return (v: JobView) => [String(v.vmid), v.guestName ?? "", v.jobId, v.clusterName, v.source ?? "", v.target, v.comment ?? ""].some((s) => s.toLowerCase().includes(needle));
}

function guestKey(clusterId: string, vmid: number): string {
  return `${clusterId}/${vmid}`;
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
