import type { ProxmoxClient } from "@/lib/proxmox/client";
import type { PrismaClient } from "@/prisma/generated/client";
import { applySnapshot } from "./apply-snapshot";
import { fetchRunLogs } from "./fetch-run-logs";
import { followHa } from "./follow-ha";
import { maintainHistory, MAINTENANCE_INTERVAL_SECONDS } from "./maintain-history";
import { describeFailure, readClusterSnapshot, type ReadFailure } from "./read-cluster";
import { readClusterTimeZone, timeZoneIsDue } from "./time-zone";

export type CycleDeps = { db: PrismaClient; client: ProxmoxClient; now: () => Date; signal?: AbortSignal };

export type CycleResult =
  | { ok: true; jobs: number; partial: ReadFailure[] }
  | { ok: false; failure: ReadFailure };

/**
 * One poll of one cluster: read, write history, fetch the logs of runs that just ended, roll up
 * and prune old history every few minutes, refresh the stored time zone now and then
 * (time-zone.ts), and record the cluster's health. It never throws for anything the cluster does
 * (timeouts, 5xx, garbage, a changed certificate): the failure is recorded on the cluster row
 * (with the poller's consecutive-failure count, lib/poller/health.ts) and the stored history is
 * left exactly as it was.
 */
export async function runPollCycle(clusterId: string, deps: CycleDeps): Promise<CycleResult> {
  const { db, client } = deps;
  const startedAt = deps.now();
  let snapshot;
  try {
    snapshot = await readClusterSnapshot(client, { nowSeconds: () => deps.now().getTime() / 1000, signal: deps.signal });
  } catch (error) {
    // The poller is stopping: nothing was read, so nothing is written and nothing failed.
    if (deps.signal?.aborted) return { ok: false, failure: { kind: "stopped", message: "the poller stopped during the cycle" } };
    const failure = describeFailure(error);
    await db.cluster.update({
      where: { id: clusterId },
      data: {
        lastPollAt: startedAt, lastError: failure.message, lastErrorKind: failure.kind,
        pollFailures: { increment: 1 }, lastPollFailure: `${failure.kind}: ${failure.message}`, lastPollFailureAt: startedAt,
      },
    });
    await markJobsStale(db, clusterId, failure);
    return { ok: false, failure };
  }

  const partial = [...snapshot.nodeReplication.entries()].flatMap(([node, read]) => (read.ok ? [] : [{ ...read.failure, message: `${node}: ${read.failure.message}` }]));
  const row = await db.cluster.findUniqueOrThrow({ where: { id: clusterId }, select: { historyMaintainedAt: true, timeZone: true, timeZoneReadAt: true } });
  let timeZone: { timeZone?: string; timeZoneReadAt?: Date } = {};
  if (timeZoneIsDue(row, startedAt)) {
    const read = await readClusterTimeZone(client, snapshot.onlineNodes, deps.signal);
    if (read.ok) timeZone = { timeZone: read.timeZone, timeZoneReadAt: startedAt };
    else if (!deps.signal?.aborted) partial.push(read.failure);
  }
  const zone = timeZone.timeZone ?? row.timeZone;

  await followHa(db, client, clusterId, snapshot, { now: startedAt, signal: deps.signal });
  const logs = await applySnapshot(db, clusterId, snapshot, startedAt, { timeZone: zone });
  partial.push(...(await fetchRunLogs(db, client, logs, { now: deps.now, signal: deps.signal })));

  // A cluster's first cycle has nothing to roll up or prune yet (its history starts now): the
  // first maintenance runs an interval later, keeping a large cluster's first cycle short.
  const { historyMaintainedAt } = row;
  if (historyMaintainedAt !== null && snapshot.clusterTime - historyMaintainedAt >= MAINTENANCE_INTERVAL_SECONDS) {
    await maintainHistory(db, clusterId, snapshot.clusterTime, zone);
  }

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
      pollFailures: 0,
      ...(historyMaintainedAt === null ? { historyMaintainedAt: snapshot.clusterTime } : {}),
      ...timeZone,
    },
  });
  return { ok: true, jobs: snapshot.jobs.length, partial };
}

/** Nothing could be read: every job of the cluster keeps its values but is shown as stale. */
async function markJobsStale(db: PrismaClient, clusterId: string, failure: ReadFailure) {
  await db.replicationJob.updateMany({
    where: { clusterId, goneAt: null, status: { notIn: ["stale", "disabled", "removal-scheduled"] } },
    // A stale status does not move with the clock: no time turns it late (JobStatus.lateAt).
    data: { status: "stale", statusMessage: `The cluster cannot be read (${failure.kind}): ${failure.message}`, lateAt: null },
  });
}
