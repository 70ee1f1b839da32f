import "server-only";
import { guestPresence } from "@/lib/clusters/guest-presence";
import { JOB_ROW_SELECT, toJobView } from "@/lib/replication/job-rows";
import { clusterNowSeconds, targetOnlineLookup } from "@/lib/replication/job-view";
import type { PrismaClient } from "@/prisma/generated/client";
import { getFailbackViews } from "./failback-queries";
import { guardManualMove } from "./ha-guard";
import { haSidOf, parseHaResources } from "./ha-state";
import { dataLossWindow, parseOutageReplicas } from "./outage";
import { getClusterReadiness } from "./readiness-queries";

/** Outages that ended this recently stay on the page, below the live ones. */
const RECENT_SECONDS = 6 * 3600;

/**
 * The Failover page: per cluster, what is down (each dead node, its guests, each guest's
 * data-loss window, HA's recovery as a timeline), problems first, then readiness.
 */
export async function getFailoverOverview(db: PrismaClient, options: { now?: Date } = {}) {
  const now = options.now ?? new Date();
  const clusters = await db.cluster.findMany({
    orderBy: { name: "asc" },
    select: { id: true, name: true, enabled: true, quorate: true, clockSkewMs: true, timeZone: true, lastPollOkAt: true, nodes: { orderBy: { name: "asc" }, select: { name: true, online: true, lastSeenAt: true } } },
  });
  const result = [];
  for (const cluster of clusters) {
    const clusterNow = clusterNowSeconds(now, cluster.clockSkewMs);
    // A failback hold keeps its outage on the page however long ago the node returned.
    const holding = await db.failoverOperation.findMany({ where: { clusterId: cluster.id, kind: "failback", state: { in: ["running", "paused"] } }, select: { sourceNode: true } });
    const heldNodes = holding.flatMap((h) => (h.sourceNode ? [h.sourceNode] : []));
    const [outages, readiness, ha] = await Promise.all([
      db.nodeOutage.findMany({
        where: { clusterId: cluster.id, OR: [{ endedAt: null }, { endedAt: { gte: clusterNow - RECENT_SECONDS } }, ...(heldNodes.length ? [{ node: { in: heldNodes } }] : [])] },
        orderBy: { failedAt: "desc" },
        include: { guests: { orderBy: { vmid: "asc" } } },
      }),
      getClusterReadiness(db, cluster.id, { now }),
      db.haState.findUnique({ where: { clusterId: cluster.id }, select: { resources: true } }),
    ]);
    const vmids = [...new Set(outages.flatMap((o) => o.guests.map((g) => g.vmid)))];
    const [guests, jobs, events] = await Promise.all([
      db.guest.findMany({ where: { clusterId: cluster.id, vmid: { in: vmids } } }),
      db.replicationJob.findMany({ where: { clusterId: cluster.id, vmid: { in: vmids }, goneAt: null }, select: JOB_ROW_SELECT }),
      db.failoverEvent.findMany({ where: { outageId: { in: outages.map((o) => o.id) } }, orderBy: [{ at: "asc" }, { id: "asc" }] }),
    ]);
    const resources = parseHaResources(ha?.resources);
    const nodeOf = (name: string | null) => cluster.nodes.find((n) => n.name === name);
    const targetOnline = targetOnlineLookup(cluster.nodes.map((n) => ({ ...n, clusterId: cluster.id })));
    // Part 2: failing back to each node that died (failback-queries.ts).
    const failback = new Map(await Promise.all(outages.map(async (o) => [o.id, await getFailbackViews(db, cluster.id, o, guests, cluster.nodes.map((n) => n.name))] as const)));
    result.push({
      id: cluster.id,
      name: cluster.name,
      quorate: cluster.quorate,
      clusterNow,
      offlineNodes: cluster.nodes.filter((n) => !n.online).map((n) => ({ name: n.name, lastSeenAt: n.lastSeenAt?.toISOString() ?? null })),
      outages: outages.map((o) => ({
        id: o.id,
        node: o.node,
        nodeOnline: nodeOf(o.node)?.online ?? null,
        failedAt: o.failedAt,
        failedAtFrom: o.failedAtFrom,
        lastSeenUp: o.lastSeenUp,
        detectedAt: o.detectedAt,
        endedAt: o.endedAt,
        events: events.filter((e) => e.outageId === o.id && e.vmid === null).map((e) => ({ at: e.at, kind: e.kind, message: e.message })),
        guests: o.guests.map((g) => {
          const current = guests.find((x) => x.vmid === g.vmid);
          const replicas = parseOutageReplicas(g.replicas);
          const sid = haSidOf(g.type, g.vmid);
          const views = jobs
            .filter((j) => j.vmid === g.vmid)
            .map((j) => toJobView(j, { clusterName: cluster.name, guest: undefined, clusterNow, targetOnline: targetOnline(cluster.id, j.target), timeZone: cluster.timeZone }));
          const presence = current ? guestPresence(current, nodeOf(current.node), current.node === o.node ? g.statusBefore : null) : null;
          return {
            vmid: g.vmid,
            name: g.name,
            type: g.type,
            sid,
            statusBefore: g.statusBefore,
            haManaged: g.haManaged,
            replicas,
            fencedAt: g.fencedAt,
            recoveredTo: g.recoveredTo,
            recoveredAt: g.recoveredAt,
            startedAt: g.startedAt,
            turnedAroundAt: g.turnedAroundAt,
            problem: g.problem,
            problemAt: g.problemAt,
            dataLoss: dataLossWindow(o, replicas, g.recoveredTo),
            current: current ? { node: current.node, presence } : null,
            jobs: views.map((v) => ({ id: v.id, jobId: v.jobId, source: v.source, target: v.target, status: v.status, statusMessage: v.statusMessage, lastSync: v.lastSync, lagSeconds: v.lagSeconds, rpoSeconds: v.rpoSeconds, targetOnline: targetOnline(cluster.id, v.target) })),
            guard: guardManualMove({ sid, haResource: resources.find((r) => r.sid === sid), nodeOnline: nodeOf(current?.node ?? o.node)?.online ?? null }),
            events: events.filter((e) => e.outageId === o.id && e.vmid === g.vmid).map((e) => ({ at: e.at, kind: e.kind, message: e.message })),
            failback: failback.get(o.id)?.get(g.vmid) ?? null,
          };
        }),
      })),
      readiness: readiness ? { summary: readiness.summary, ha: readiness.ha, guests: readiness.guests } : null,
    });
  }
  return { readAt: now.toISOString(), clusters: result };
}
export type FailoverOverview = Awaited<ReturnType<typeof getFailoverOverview>>;
export type FailoverCluster = FailoverOverview["clusters"][number];
export type OutageView = FailoverCluster["outages"][number];
export type OutageGuestView = OutageView["guests"][number];
