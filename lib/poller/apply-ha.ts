import { haSidOf, parseHaResources, type HaResourceState } from "@/lib/failover/ha-state";
import { parseOutageReplicas, type OutageReplica } from "@/lib/failover/outage";
import type { PrismaClient } from "@/prisma/generated/client";
import type { ClusterSnapshot } from "./read-cluster";
import type { HaRead } from "./read-ha";

/** How long after a node returned its guests' recovery is still followed (a start can lag). */
const FOLLOW_AFTER_RETURN_SECONDS = 3600;

type EventKind = "node-lost" | "node-returned" | "fenced" | "recovery" | "recovered" | "started" | "start-failed" | "no-replica" | "job-turned";

/**
 * Stores HA as read this cycle and follows node failures. Runs before applySnapshot, so the
 * stored nodes, guests and jobs are still the previous poll's: a node that just went offline is
 * recorded with the guests it held and the last sync of each of their replicas at that moment
 * (after a recovery Proxmox's turned-around job starts again from last_sync 0, so this is the only
 * place the data-loss window survives). Each open outage's guests are then followed: fenced,
 * recovered to which node, started, job turned around, one FailoverEvent per transition.
 */
export async function applyHaAndOutages(db: PrismaClient, clusterId: string, snapshot: ClusterSnapshot, ha: HaRead, now: Date): Promise<void> {
  await writeHaState(db, clusterId, ha, now, snapshot.clusterTime);
  const t = snapshot.clusterTime;
  const [cluster, nodes, open] = await Promise.all([
    db.cluster.findUniqueOrThrow({ where: { id: clusterId }, select: { clockSkewMs: true } }),
    db.clusterNode.findMany({ where: { clusterId } }),
    db.nodeOutage.findMany({ where: { clusterId, OR: [{ endedAt: null }, { endedAt: { gte: t - FOLLOW_AFTER_RETURN_SECONDS } }] }, include: { guests: true } }),
  ]);
  const toClusterTime = (d: Date) => Math.floor(d.getTime() / 1000 + (cluster.clockSkewMs ?? 0) / 1000);
  const resources = ha.ok ? ha.resources : await storedResources(db, clusterId);
  const lrm = ha.ok ? ha.lrm : [];

  for (const node of snapshot.offlineNodes) {
    if (open.some((o) => o.node === node && o.endedAt === null)) continue;
    const known = nodes.find((n) => n.name === node);
    const lastSeenUp = known?.lastSeenAt ? toClusterTime(known.lastSeenAt) : null;
    // The dead node's LRM last wrote its status just before it died: the closest to the failure Proxmox knows.
    const lrmStamp = lrm.find((l) => l.node === node)?.timestamp ?? null;
    // The LRM writes every ~10 s, so its stamp may precede a poll that still saw the node up: take the later.
    const fromLrm = lrmStamp !== null && lrmStamp <= t && (lastSeenUp === null || lrmStamp > lastSeenUp);
    const failedAt = fromLrm ? (lrmStamp as number) : (lastSeenUp ?? t);
    const outage = await createOutage(db, clusterId, node, snapshot, { lastSeenUp, failedAt, failedAtFrom: fromLrm ? "lrm" : lastSeenUp !== null ? "poll" : "detected", detectedAt: t }, resources);
    open.push(outage);
  }

  const events: { kind: EventKind; outageId: string; vmid?: number; node?: string; at: number; message: string }[] = [];
  for (const outage of open) {
    if (outage.endedAt === null && snapshot.onlineNodes.includes(outage.node)) {
      await db.nodeOutage.update({ where: { id: outage.id }, data: { endedAt: t } });
      events.push({ kind: "node-returned", outageId: outage.id, node: outage.node, at: t, message: `${outage.node} is back online` });
    }
    for (const guest of outage.guests) {
      const update = followGuest(outage, guest, snapshot, resources);
      if (!update) continue;
      await db.outageGuest.update({ where: { id: guest.id }, data: update.data });
      events.push(...update.events.map((e) => ({ ...e, outageId: outage.id, vmid: guest.vmid })));
    }
  }
  if (events.length) await db.failoverEvent.createMany({ data: events.map((e) => ({ clusterId, ...e })) });
  await markUnprotectedJobs(db, clusterId, snapshot, open);
}

/**
 * Jobs Proxmox turned around after a recovery start again at last_sync 0 on the new node: record
 * since when the guest runs there, so its lag counts from that moment (JobUnprotected, read by
 * deriveJobStatus) and it can breach its RPO and alert instead of showing no lag at all.
 */
async function markUnprotectedJobs(db: PrismaClient, clusterId: string, snapshot: ClusterSnapshot, outages: { id: string; node: string }[]) {
  const recovered = await db.outageGuest.findMany({ where: { outageId: { in: outages.map((o) => o.id) }, recoveredTo: { not: null }, startedAt: { not: null } } });
  for (const g of recovered) {
    const turned = snapshot.jobs.filter((j) => j.guest === g.vmid && j.source === g.recoveredTo);
    if (turned.length === 0) continue;
    const rows = await db.replicationJob.findMany({ where: { clusterId, jobId: { in: turned.map((j) => j.id) } }, select: { id: true, unprotected: true } });
    const fromNode = outages.find((o) => o.id === g.outageId)?.node ?? "";
    for (const row of rows) {
      if (row.unprotected?.since === g.startedAt) continue;
      const data = { since: g.startedAt as number, fromNode, toNode: g.recoveredTo as string };
      await db.jobUnprotected.upsert({ where: { jobRowId: row.id }, create: { jobRowId: row.id, ...data }, update: data });
    }
  }
}

async function writeHaState(db: PrismaClient, clusterId: string, ha: HaRead, now: Date, clusterTime: number) {
  const data = ha.ok
    ? {
        placementApi: ha.placementApi, resources: JSON.stringify(ha.resources), placement: JSON.stringify(ha.placement), lrm: JSON.stringify(ha.lrm),
        master: ha.master, readAt: now, clusterTime, error: null, errorAt: null,
      }
    : { placementApi: ha.placementApi, error: `${ha.failure.kind}: ${ha.failure.message}`, errorAt: now };
  await db.haState.upsert({ where: { clusterId }, create: { clusterId, ...data }, update: data });
}

async function storedResources(db: PrismaClient, clusterId: string): Promise<HaResourceState[]> {
  return parseHaResources((await db.haState.findUnique({ where: { clusterId }, select: { resources: true } }))?.resources);
}

async function createOutage(
  db: PrismaClient,
  clusterId: string,
  node: string,
  snapshot: ClusterSnapshot,
  times: { lastSeenUp: number | null; failedAt: number; failedAtFrom: string; detectedAt: number },
  resources: HaResourceState[],
) {
  const stored = await db.guest.findMany({ where: { clusterId, node, goneAt: null, template: false }, orderBy: { vmid: "asc" } });
  // A cluster polled for the first time with a node already down: only Proxmox's (stale) answer knows its guests.
  const guests = stored.length
    ? stored
    : snapshot.resources
        .filter((r) => (r.type === "qemu" || r.type === "lxc") && r.node === node && r.vmid !== undefined && !r.template)
        .map((r) => ({ vmid: r.vmid as number, type: r.type, name: r.name ?? null, status: r.status ?? "unknown", haState: r.hastate ?? null }));
  const jobs = await db.replicationJob.findMany({ where: { clusterId, goneAt: null, vmid: { in: guests.map((g) => g.vmid) } }, orderBy: { jobId: "asc" } });
  const managed = new Set(resources.filter((r) => r.state !== "ignored").map((r) => r.sid));
  const outage = await db.nodeOutage.create({
    data: {
      clusterId, node, ...times,
      guests: {
        create: guests.map((g) => ({
          vmid: g.vmid, type: g.type, name: g.name, statusBefore: g.status, haManaged: managed.has(haSidOf(g.type, g.vmid)) || g.haState !== null,
          replicas: JSON.stringify(jobs.filter((j) => j.vmid === g.vmid && !j.disabled && !j.removeJob).map((j): OutageReplica => ({ jobId: j.jobId, target: j.target, lastSync: j.lastSync }))),
        })),
      },
    },
    include: { guests: true },
  });
  const running = guests.filter((g) => g.status === "running").length;
  await db.failoverEvent.create({
    data: {
      clusterId, outageId: outage.id, node, at: times.failedAt, kind: "node-lost",
      message: `${node} went offline with ${guests.length} guest${guests.length === 1 ? "" : "s"} (${running} running)`,
    },
  });
  return outage;
}

type OutageRow = { id: string; node: string; endedAt: number | null };
type GuestRow = {
  vmid: number; type: string; haManaged: boolean; replicas: string; fencedAt: number | null; recoveredTo: string | null; recoveredAt: number | null;
  startedAt: number | null; turnedAroundAt: number | null; problem: string | null;
};

/** One guest's progress since the last poll: the fields to write and the events they mean. */
export function followGuest(outage: OutageRow, guest: GuestRow, snapshot: ClusterSnapshot, resources: HaResourceState[]) {
  const t = snapshot.clusterTime;
  const sid = haSidOf(guest.type, guest.vmid);
  const service = resources.find((r) => r.sid === sid);
  const now = snapshot.resources.find((r) => (r.type === "qemu" || r.type === "lxc") && r.vmid === guest.vmid);
  const replicas = parseOutageReplicas(guest.replicas);
  const data: Partial<GuestRow> & { problemAt?: number } = {};
  const events: { kind: EventKind; node?: string; at: number; message: string }[] = [];

  if (guest.fencedAt === null && (service?.crmState === "fence" || service?.crmState === "recovery" || (now && now.node !== outage.node && guest.haManaged))) {
    data.fencedAt = t;
    events.push({ kind: "fenced", node: outage.node, at: t, message: `HA fenced ${outage.node}; ${sid} waits for recovery` });
  }
  if (guest.recoveredTo === null && now?.node && now.node !== outage.node) {
    data.recoveredTo = now.node;
    data.recoveredAt = t;
    const how = guest.haManaged ? "HA recovered" : "Moved";
    events.push({ kind: "recovered", node: now.node, at: t, message: `${how} ${sid} from ${outage.node} to ${now.node}` });
    if (replicas.length > 0 && !replicas.some((r) => r.target === now.node)) {
      data.problem = `${guest.haManaged ? "HA" : "Someone"} started ${sid} on ${now.node}, which holds no replica of its disks (replicas: ${replicas.map((r) => r.target).join(", ")})`;
      data.problemAt = t;
      events.push({ kind: "no-replica", node: now.node, at: t, message: data.problem });
    }
  }
  const recoveredTo = data.recoveredTo ?? guest.recoveredTo;
  if (recoveredTo && guest.startedAt === null && now?.node === recoveredTo && now.status === "running") {
    // uptime says when it started; a poll only says it runs by now.
    const startedAt = now.uptime !== undefined && now.uptime > 0 ? Math.max(guest.recoveredAt ?? data.recoveredAt ?? 0, Math.floor(t - now.uptime)) : t;
    data.startedAt = startedAt;
    events.push({ kind: "started", node: recoveredTo, at: startedAt, message: `${sid} started on ${recoveredTo}` });
  }
  if (service?.crmState === "error" && guest.problem === null && data.problem === undefined) {
    data.problem = `HA could not start ${sid}${service.node ? ` on ${service.node}` : ""}: the service is in the error state (ha-manager status shows why)`;
    data.problemAt = t;
    events.push({ kind: "start-failed", node: service.node ?? undefined, at: t, message: data.problem });
  }
  if (recoveredTo && guest.turnedAroundAt === null) {
    const turned = snapshot.jobs.filter((j) => j.guest === guest.vmid && j.source === recoveredTo);
    if (turned.length > 0 && turned.length === snapshot.jobs.filter((j) => j.guest === guest.vmid).length) {
      data.turnedAroundAt = t;
      for (const j of turned) events.push({ kind: "job-turned", node: recoveredTo, at: t, message: `Job ${j.id} turned around: now ${recoveredTo} → ${j.target}` });
    }
  }
  return Object.keys(data).length ? { data, events } : null;
}
