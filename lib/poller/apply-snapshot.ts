import type { ClusterResource, ReplicationJob as PveJob, ReplicationJobStatus } from "@/lib/proxmox/schemas";
import { effectiveRpo } from "@/lib/replication/effective-rpo";
import { detectRunEvents, type JobSnapshot, type NodeLoss, type RunEvent } from "@/lib/replication/runs";
import { selectSamplesToStore } from "@/lib/replication/retention";
import { deriveJobStatus } from "@/lib/replication/status";
import type { JobConfig, JobState } from "@/lib/replication/types";
import { DEFAULT_SCHEDULE } from "@/lib/replication/types";
import type { Prisma, PrismaClient, ReplicationJob as JobRow } from "@/prisma/generated/client";
import { createNewJobs, insertRows, newId, sqliteDate, type NewJob } from "./create-new-jobs";
import { readJobRows } from "./read-job-rows";
import type { ClusterSnapshot } from "./read-cluster";

/** A finished run whose log should be fetched now (Proxmox overwrites it on the next run). */
export type LogToFetch = { runId: string; node: string; jobId: string };

type SampleRow = { jobRowId: string; at: number; lagSeconds: number | null; status: string };

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * Writes one snapshot in one transaction: nodes, guests, jobs with their derived status, the
 * runs detected since the last cycle and the lag samples worth keeping (selectSamplesToStore). A job whose owner could not be
 * read keeps its last known state (status "stale"); a job gone from replication.cfg is marked
 * gone, never deleted, so its history stays.
 */
export async function applySnapshot(db: PrismaClient, clusterId: string, snapshot: ClusterSnapshot, now: Date, options: { timeZone?: string | null } = {}): Promise<LogToFetch[]> {
  return db.$transaction(async (tx) => {
    const wasOffline = await writeNodes(tx, clusterId, snapshot, now);
    const guestNodes = await writeGuests(tx, clusterId, snapshot.resources, now);
    const existing = new Map((await readJobRows(tx, clusterId)).map((row) => [row.jobId, row]));
    const logs: LogToFetch[] = [];
    const samples: SampleRow[] = [];
    const volatile: VolatileJobWrite[] = [];
    const created: NewJob[] = [];
    for (const job of snapshot.jobs) {
      const owner = guestNodes.get(job.guest) ?? job.source ?? null;
      const row = existing.get(job.id);
      const lost = nodeLossOf(row, owner, snapshot, wasOffline);
      logs.push(...(await writeJob(tx, clusterId, job, owner, row, snapshot, now, { samples, volatile, created }, options.timeZone ?? null, lost)));
    }
    await createNewJobs(tx, created);
    await writeVolatile(tx, volatile, now);
    await insertRows(tx, "LagSample", samples);
    const seen = new Set(snapshot.jobs.map((j) => j.id));
    const gone = [...existing.values()].filter((row) => !seen.has(row.jobId) && row.goneAt === null).map((row) => row.id);
    if (gone.length) await tx.replicationJob.updateMany({ where: { id: { in: gone } }, data: { goneAt: now } });
    // A new job without a finished run keeps the empty runId createNewJobs left it.
    return logs.filter((log) => log.runId !== "");
  });
}

/**
 * The node a job's stored state came from, when it went offline since: offline now (an HA guest
 * recovered elsewhere reports from its new node meanwhile), or stored offline by an earlier
 * poll and back now. Its last answer is the state's cluster time.
 */
function nodeLossOf(row: JobRow | undefined, owner: string | null, snapshot: ClusterSnapshot, wasOffline: ReadonlySet<string>): NodeLoss | undefined {
  if (!row?.stateNode || row.stateClusterTime === null) return undefined;
  const node = row.stateNode;
  if (!snapshot.offlineNodes.includes(node) && !wasOffline.has(node)) return undefined;
  return { node, lastSeenAt: row.stateClusterTime, answeredAgain: owner === node && snapshot.onlineNodes.includes(node) };
}

/** Writes the nodes; returns those the database had as offline before this snapshot. */
async function writeNodes(tx: Tx, clusterId: string, snapshot: ClusterSnapshot, now: Date): Promise<Set<string>> {
  const known = new Map((await tx.clusterNode.findMany({ where: { clusterId } })).map((n) => [n.name, n]));
  const wasOffline = new Set([...known.values()].filter((n) => !n.online).map((n) => n.name));
  const storage = storageByNode(snapshot.resources);
  const seen: string[] = [];
  for (const entry of snapshot.status.filter((e) => e.type === "node")) {
    const online = Boolean(entry.online);
    if (online) seen.push(entry.name);
    const row = known.get(entry.name);
    // A node that is down reports no storage: keep the last figures rather than erase them.
    const storageJson = online ? JSON.stringify(storage.get(entry.name) ?? []) : (row?.storage ?? "[]");
    if (row && row.online === online && row.ip === (entry.ip ?? null) && row.storage === storageJson) continue;
    await tx.clusterNode.upsert({
      where: { clusterId_name: { clusterId, name: entry.name } },
      create: { clusterId, name: entry.name, online, ip: entry.ip, lastSeenAt: online ? now : null, storage: storageJson },
      update: { online, ip: entry.ip ?? null, storage: storageJson },
    });
  }
  await tx.clusterNode.updateMany({ where: { clusterId, name: { in: seen } }, data: { lastSeenAt: now } });
  return wasOffline;
}

/** Storage fill per node from /cluster/resources (type "storage": disk = used, maxdisk = total bytes). */
function storageByNode(resources: ClusterResource[]) {
  const byNode = new Map<string, { storage: string; type: string | null; used: number; total: number }[]>();
  for (const r of resources) {
    if (r.type !== "storage" || !r.node || !r.storage) continue;
    const list = byNode.get(r.node) ?? [];
    list.push({ storage: r.storage, type: r.plugintype ?? null, used: r.disk ?? 0, total: r.maxdisk ?? 0 });
    byNode.set(r.node, list);
  }
  for (const list of byNode.values()) list.sort((a, b) => a.storage.localeCompare(b.storage));
  return byNode;
}

/**
 * Upserts guests that changed and returns vmid → node, the owner of each guest's replication
 * state. Unchanged guests cost one shared "seen" update, so a cycle's writes follow changes.
 */
async function writeGuests(tx: Tx, clusterId: string, resources: ClusterResource[], now: Date): Promise<Map<number, string>> {
  const owners = new Map<number, string>();
  const known = new Map((await tx.guest.findMany({ where: { clusterId } })).map((g) => [g.vmid, g]));
  // New guests (every guest on the first cycle) go in multi-row INSERTs; a vmid listed twice keeps its last entry, as an upsert would.
  const created = new Map<number, Prisma.GuestUncheckedCreateInput>();
  for (const r of resources) {
    if ((r.type !== "qemu" && r.type !== "lxc") || r.vmid === undefined || !r.node) continue;
    owners.set(r.vmid, r.node);
    const data = { type: r.type, name: r.name ?? null, node: r.node, status: r.status ?? "unknown", haState: r.hastate ?? null, template: Boolean(r.template), goneAt: null };
    const row = known.get(r.vmid);
    if (row && (Object.keys(data) as (keyof typeof data)[]).every((k) => row[k] === data[k])) continue;
    if (!row) {
      created.set(r.vmid, { id: created.get(r.vmid)?.id ?? newId(), clusterId, vmid: r.vmid, lastSeenAt: now, ...data });
      continue;
    }
    await tx.guest.upsert({ where: { clusterId_vmid: { clusterId, vmid: r.vmid } }, create: { clusterId, vmid: r.vmid, lastSeenAt: now, ...data }, update: data });
  }
  await insertRows(tx, "Guest", [...created.values()]);
  await tx.guest.updateMany({ where: { clusterId, vmid: { in: [...owners.keys()] } }, data: { lastSeenAt: now } });
  await tx.guest.updateMany({ where: { clusterId, goneAt: null, lastSeenAt: { lt: now } }, data: { goneAt: now } });
  return owners;
}

type JobWrites = { samples: SampleRow[]; volatile: VolatileJobWrite[]; created: NewJob[] };

async function writeJob(
  tx: Tx,
  clusterId: string,
  job: PveJob,
  owner: string | null,
  row: (JobRow & { unprotected?: { since: number } | null }) | undefined,
  snapshot: ClusterSnapshot,
  now: Date,
  { samples, volatile, created }: JobWrites,
  timeZone: string | null,
  lost: NodeLoss | undefined,
): Promise<LogToFetch[]> {
  const read = owner ? snapshot.nodeReplication.get(owner) : undefined;
  const ownerReadable = read?.ok === true;
  const fresh: ReplicationJobStatus | undefined = read?.ok ? read.jobs.find((s) => s.id === job.id) : undefined;
  const clusterTime = read?.ok ? read.clusterTime : snapshot.clusterTime;
  const known = row && row.stateReadAt ? stateFromRow(row) : null;
  const state: JobState | null = ownerReadable ? (fresh ? stateFromPve(fresh) : null) : known;
  const config = configFromPve(job);
  const rpoSeconds = effectiveRpo({ rpoSeconds: row?.rpoSeconds ?? null, schedule: config.schedule ?? null }, timeZone).seconds;
  const derived = deriveJobStatus({
    config,
    state,
    ownerReadable,
    stateReadAt: ownerReadable ? clusterTime : (row?.stateClusterTime ?? null),
    targetOnline: snapshot.onlineNodes.includes(job.target) ? true : snapshot.offlineNodes.includes(job.target) ? false : null,
    now: clusterTime,
    rpoSeconds,
    unprotectedSince: row?.unprotected?.since ?? null,
  });

  const configData = {
    vmid: job.guest, jobnum: job.jobnum, source: job.source ?? owner, target: job.target, schedule: job.schedule ?? DEFAULT_SCHEDULE,
    rate: job.rate ?? null, comment: job.comment ?? null, disabled: Boolean(job.disable), removeJob: job.remove_job ?? null,
  };
  const stateData: Partial<JobRow> = ownerReadable && state
    ? {
        lastSync: state.last_sync || null, lastTry: state.last_try || null, nextSync: state.next_sync, duration: state.duration ?? null,
        failCount: state.fail_count, error: state.error ?? null, pid: state.pid ?? null, stateNode: owner, stateReadAt: now, stateClusterTime: clusterTime,
      }
    : {};
  const sample = { t: clusterTime, lag: derived.lagSeconds };
  const toStore = selectSamplesToStore(
    row?.sampleAt != null ? { t: row.sampleAt, lag: row.sampleLag } : undefined,
    row?.polledAt != null ? { t: row.polledAt, lag: row.lagSeconds } : undefined,
    sample,
  );
  const lastStored = toStore.at(-1);
  const derivedData = {
    status: derived.status, statusMessage: derived.message, lagSeconds: derived.lagSeconds, lastSeenAt: now, goneAt: null, polledAt: clusterTime,
    overRpoAt: derived.overRpoAt, lateAt: derived.lateAt,
    ...(lastStored ? { sampleAt: lastStored.t, sampleLag: lastStored.lag } : {}),
  };
  // The previous poll is stored only when it is the peak before a sync; its status is not kept, so "ok".
  const sampleRows: SampleRow[] = toStore.map((s) => ({ jobRowId: row?.id ?? "", at: s.t, lagSeconds: s.lag, status: s === sample ? derived.status : (row?.status ?? "ok") }));
  samples.push(...sampleRows);
  const readable = ownerReadable && state && owner;
  if (!row) {
    // Created with the other new jobs in createNewJobs, which fills in the row id and run id.
    const log: LogToFetch = { runId: "", node: owner ?? "", jobId: job.id };
    const events = readable ? detectRunEvents(undefined, { id: job.id, ...state }) : [];
    created.push({ data: { clusterId, jobId: job.id, ...configData, ...stateData, ...derivedData }, events, samples: sampleRows, log });
    return [log];
  }
  if (sameValues(row, configData) && sameValues(row, withoutReadStamp(stateData))) {
    // Most cycles only move the clock: batch those rows into a few statements (writeVolatile).
    volatile.push({ id: row.id, ...derivedData, stateReadAt: stateData.stateReadAt, stateClusterTime: stateData.stateClusterTime });
  } else {
    await tx.replicationJob.update({ where: { id: row.id }, data: { ...configData, ...stateData, ...derivedData } });
  }
  if (!readable) return [];
  const previous = row.stateReadAt ? snapshotFromRow(row) : undefined;
  const events = detectRunEvents(previous, { id: job.id, ...state }, lost);
  return recordRuns(tx, row.id, events, owner, job.id);
}

/** Upserts runs on (job, start) so a replayed event changes nothing; returns finished runs needing a log. */
async function recordRuns(tx: Tx, jobRowId: string, events: RunEvent[], node: string, jobId: string): Promise<LogToFetch[]> {
  const logs: LogToFetch[] = [];
  for (const event of events) {
    const key = { jobRowId_startedAt: { jobRowId, startedAt: event.start } };
    if (event.type === "run-started") {
      await tx.jobRun.upsert({ where: key, create: { jobRowId, startedAt: event.start, outcome: "running", kind: "unknown" }, update: {} });
      continue;
    }
    const data = { endedAt: event.end, durationSeconds: event.durationSeconds, outcome: event.outcome, error: event.error, kind: event.syncKind };
    const run = await tx.jobRun.upsert({ where: key, create: { jobRowId, startedAt: event.start, ...data }, update: data });
    if (run.log === null) logs.push({ runId: run.id, node, jobId });
  }
  // Proxmox keeps one log per job, the latest run's: only that one can still be fetched.
  return logs.slice(-1);
}

type VolatileJobWrite = {
  id: string;
  status: string;
  statusMessage: string;
  lagSeconds: number | null;
  polledAt: number;
  overRpoAt: number | null;
  lateAt: number | null;
  sampleAt?: number;
  sampleLag?: number | null;
  stateReadAt?: Date | null;
  stateClusterTime?: number | null;
};

const VOLATILE_CHUNK = 400;

/**
 * One UPDATE … FROM (VALUES …) per 400 jobs for rows whose Proxmox config and state did not
 * change: on a large cluster nearly every row, every cycle. Dates are written in the driver
 * adapter's own format so Prisma's comparisons on these columns keep working.
 */
async function writeVolatile(tx: Tx, rows: VolatileJobWrite[], now: Date) {
  for (let i = 0; i < rows.length; i += VOLATILE_CHUNK) {
    const chunk = rows.slice(i, i + VOLATILE_CHUNK);
    const params: unknown[] = [];
    const values = chunk.map((r) => {
      params.push(r.id, r.status, r.statusMessage, r.lagSeconds, r.polledAt, r.overRpoAt, r.lateAt, r.sampleAt === undefined ? 0 : 1, r.sampleAt ?? null, r.sampleLag ?? null, r.stateReadAt ? sqliteDate(r.stateReadAt) : null, r.stateClusterTime ?? null);
      return "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    });
    await tx.$executeRawUnsafe(
      `WITH v(id, status, message, lag, polled, overRpoAt, lateAt, hasSample, sampleAt, sampleLag, readAt, clusterTime) AS (VALUES ${values.join(", ")})
       UPDATE "ReplicationJob" SET
         "status" = v.status, "statusMessage" = v.message, "lagSeconds" = v.lag, "polledAt" = v.polled, "overRpoAt" = v.overRpoAt, "lateAt" = v.lateAt,
         "sampleAt" = CASE WHEN v.hasSample = 1 THEN v.sampleAt ELSE "ReplicationJob"."sampleAt" END,
         "sampleLag" = CASE WHEN v.hasSample = 1 THEN v.sampleLag ELSE "ReplicationJob"."sampleLag" END,
         "stateReadAt" = COALESCE(v.readAt, "ReplicationJob"."stateReadAt"),
         "stateClusterTime" = COALESCE(v.clusterTime, "ReplicationJob"."stateClusterTime"),
         "lastSeenAt" = ?, "goneAt" = NULL
       FROM v WHERE "ReplicationJob"."id" = v.id`,
      ...params,
      sqliteDate(now),
    );
  }
}


function sameValues(row: JobRow, data: Partial<JobRow>): boolean {
  return (Object.keys(data) as (keyof JobRow)[]).every((k) => row[k] === data[k]);
}

function withoutReadStamp(data: Partial<JobRow>): Partial<JobRow> {
  const { stateReadAt: _readAt, stateClusterTime: _clusterTime, ...rest } = data;
  return rest;
}

function configFromPve(job: PveJob): JobConfig {
  return {
    id: job.id, guest: job.guest, jobnum: job.jobnum, target: job.target, source: job.source, schedule: job.schedule, rate: job.rate,
    comment: job.comment, disable: job.disable, remove_job: job.remove_job,
  };
}

function stateFromPve(s: ReplicationJobStatus): JobState {
  return { last_sync: s.last_sync, last_try: s.last_try, next_sync: s.next_sync, fail_count: s.fail_count, error: s.error, duration: s.duration, pid: s.pid };
}

function stateFromRow(row: JobRow): JobState {
  return {
    last_sync: row.lastSync ?? 0, last_try: row.lastTry ?? 0, next_sync: row.nextSync ?? 0, fail_count: row.failCount,
    error: row.error ?? undefined, duration: row.duration ?? undefined, pid: row.pid ?? undefined,
  };
}

function snapshotFromRow(row: JobRow): JobSnapshot {
  return { id: row.jobId, ...stateFromRow(row) };
}
