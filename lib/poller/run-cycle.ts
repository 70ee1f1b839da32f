import type { ProxmoxClient } from "@/lib/proxmox/client";
import { getReplicationLog } from "@/lib/proxmox/replication";
import { detectSyncKindFromLog } from "@/lib/replication/runs";
import type { PrismaClient } from "@/prisma/generated/client";
import { applySnapshot } from "./apply-snapshot";
import { followHa } from "./follow-ha";
import { maintainHistory, MAINTENANCE_INTERVAL_SECONDS } from "./maintain-history";
import { describeFailure, readClusterSnapshot, type ReadFailure } from "./read-cluster";

export type CycleDeps = { db: PrismaClient; client: ProxmoxClient; now: () => Date; signal?: AbortSignal };

export type CycleResult =
  | { ok: true; jobs: number; partial: ReadFailure[] }
  | { ok: false; failure: ReadFailure };

/**
 * One poll of one cluster: read, write history, fetch the logs of runs that just ended, roll up
 * and prune old history every few minutes, and record the cluster's health. It never throws for anything the cluster does (timeouts, 5xx,
 * garbage, a changed certificate): the failure is recorded on the cluster row and the stored
 * history is left exactly as it was.
 */
export async function runPollCycle(clusterId: string, deps: CycleDeps): Promise<CycleResult> {
  const { db, client } = deps;
  const startedAt = deps.now();
  let snapshot;
  try {
    snapshot = await readClusterSnapshot(client, { nowSeconds: () => deps.now().getTime() / 1000, signal: deps.signal });
  } catch (error) {
    const failure = describeFailure(error);
    await db.cluster.update({ where: { id: clusterId }, data: { lastPollAt: startedAt, lastError: failure.message, lastErrorKind: failure.kind } });
    await markJobsStale(db, clusterId, failure);
    return { ok: false, failure };
  }

  await followHa(db, client, clusterId, snapshot, { now: startedAt, signal: deps.signal });
  const logs = await applySnapshot(db, clusterId, snapshot, startedAt);
  for (const log of logs) {
    try {
      const lines = (await getReplicationLog(client, log.node, log.jobId, { limit: 0, signal: deps.signal })).data.map((l) => l.t);
      // The log says whether the run sent everything or only a delta; the state transitions cannot always tell.
      const kind = detectSyncKindFromLog(lines);
      await db.jobRun.update({ where: { id: log.runId }, data: { log: lines.join("\n"), logFetchedAt: deps.now(), ...(kind !== "unknown" ? { kind } : {}) } });
    } catch {
      // The run is kept without its log; a later run overwrites Proxmox's copy, so it is not retried.
    }
  }

  const { historyMaintainedAt } = await db.cluster.findUniqueOrThrow({ where: { id: clusterId }, select: { historyMaintainedAt: true } });
  if (historyMaintainedAt === null || snapshot.clusterTime - historyMaintainedAt >= MAINTENANCE_INTERVAL_SECONDS) {
    await maintainHistory(db, clusterId, snapshot.clusterTime);
  }

  const partial = [...snapshot.nodeReplication.entries()].flatMap(([node, read]) => (read.ok ? [] : [{ ...read.failure, message: `${node}: ${read.failure.message}` }]));
  const quorum = snapshot.status.find((e) => e.type === "cluster");
  await db.cluster.update({
    where: { id: clusterId },
    data: {
      lastPollAt: startedAt,
      lastPollOkAt: startedAt,
      lastError: partial.length ? partial.map((p) => p.message).join("; ") : null,
      lastErrorKind: partial.length ? "partial" : null,
      quorate: quorum ? Boolean(quorum.quorate) : true,
      clockSkewMs: snapshot.clusterTimeFromServer ? Math.round(snapshot.clusterTime * 1000 - startedAt.getTime()) : null,
    },
  });
  return { ok: true, jobs: snapshot.jobs.length, partial };
}

/** Nothing could be read: every job of the cluster keeps its values but is shown as stale. */
async function markJobsStale(db: PrismaClient, clusterId: string, failure: ReadFailure) {
  await db.replicationJob.updateMany({
    where: { clusterId, goneAt: null, status: { notIn: ["stale", "disabled", "removal-scheduled"] } },
    data: { status: "stale", statusMessage: `The cluster cannot be read (${failure.kind}): ${failure.message}` },
  });
}
