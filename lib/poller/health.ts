import type { PrismaClient } from "@/prisma/generated/client";

// The poller's own health, kept in the database so every process (the app, `npm run poller`)
// and every reader (/api/health, the cluster page) sees the same facts. Per cluster: the last
// successful cycle and the consecutive failures (a cycle that could not read the cluster, or one
// that crashed on our side). Per poller process: a heartbeat with the loop's last tick and its
// own failures (e.g. the database could not be read).

/** A cluster counts as unpolled after this many of its intervals without a successful cycle. */
export const STALE_AFTER_INTERVALS = 3;
/** The loop writes its heartbeat at most this often while healthy (every failure is written). */
export const HEARTBEAT_EVERY_MS = 5_000;
/** A heartbeat older than this means the loop stopped ticking. */
export const LOOP_SILENT_AFTER_MS = 30_000;
/** Stopped or long-silent heartbeats are pruned when a poller starts. */
const HEARTBEAT_KEEP_MS = 24 * 3600_000;

/** The text a failure is stored and shown with: the error's message, never its stack or cause chain. */
export function failureText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

/** A cycle that crashed on our side (database, decryption, a bug): counted like a failed read. */
export async function recordCycleCrash(db: PrismaClient, clusterId: string, error: unknown, now: Date): Promise<void> {
  const message = `Poll cycle crashed: ${failureText(error)}`;
  await db.cluster.updateMany({
    where: { id: clusterId },
    data: { pollFailures: { increment: 1 }, lastPollFailure: message, lastPollFailureAt: now, lastPollAt: now, lastError: message, lastErrorKind: "internal" },
  });
}

export async function startHeartbeat(db: PrismaClient, holder: string, now: Date): Promise<void> {
  await db.pollerHeartbeat.deleteMany({
    where: { OR: [{ stoppedAt: { not: null } }, { lastTickAt: { lt: new Date(now.getTime() - HEARTBEAT_KEEP_MS) } }, { lastTickAt: null, startedAt: { lt: new Date(now.getTime() - HEARTBEAT_KEEP_MS) } }] },
  });
  await db.pollerHeartbeat.upsert({ where: { holder }, create: { holder, startedAt: now }, update: { startedAt: now, stoppedAt: null } });
}

export async function recordTick(db: PrismaClient, holder: string, now: Date, error?: unknown): Promise<void> {
  const data =
    error === undefined
      ? { lastTickAt: now, lastTickOkAt: now, tickFailures: 0 }
      : { lastTickAt: now, tickFailures: { increment: 1 }, lastFailure: failureText(error), lastFailureAt: now };
  await db.pollerHeartbeat.upsert({ where: { holder }, create: { holder, startedAt: now, ...data, tickFailures: error === undefined ? 0 : 1 }, update: data });
}

export async function recordStop(db: PrismaClient, holder: string, now: Date): Promise<void> {
  await db.pollerHeartbeat.updateMany({ where: { holder }, data: { stoppedAt: now } });
}

export type ClusterPollHealth = {
  id: string;
  name: string;
  enabled: boolean;
  /**
   * ok; failing: the last cycle(s) failed; unpolled: no successful cycle for STALE_AFTER_INTERVALS
   * intervals; paused (disabled) and removed (history kept) clusters are not polled.
   */
  status: "ok" | "failing" | "unpolled" | "paused" | "removed";
  intervalSeconds: number;
  lastPollOkAt: string | null;
  /** Seconds since the last successful cycle, on our clock; null when there was none. */
  pollAgeSeconds: number | null;
  consecutiveFailures: number;
  lastFailureAt: string | null;
  /** Only for signed-in readers: may name hosts and paths (never a secret). */
  lastFailure: string | null;
};

export type LoopHealth = {
  status: "ok" | "failing" | "silent" | "not-running";
  lastTickAt: string | null;
  tickAgeSeconds: number | null;
  consecutiveFailures: number;
  lastFailureAt: string | null;
  lastFailure: string | null;
};

export type PollerHealth = { status: "ok" | "degraded"; loop: LoopHealth; clusters: ClusterPollHealth[] };

/** What the cluster page shows (GET /api/health/clusters/:clusterId). */
export type ClusterPollerHealth = { cluster: ClusterPollHealth; loop: LoopHealth; readAt: string };

/**
 * The poller's health as every reader shows it. `intervalSeconds` is the POLL_INTERVAL_SECONDS
 * override when one is set. Degraded when an enabled cluster went unpolled for several
 * intervals, or the loop is failing, silent or not running while there are clusters to poll.
 */
export async function readPollerHealth(db: PrismaClient, now: Date, options: { intervalSeconds?: number; clusterId?: string } = {}): Promise<PollerHealth> {
  const [rows, removedRows, beat] = await Promise.all([
    db.cluster.findMany({
      where: options.clusterId ? { id: options.clusterId } : {},
      select: { id: true, name: true, enabled: true, pollIntervalSeconds: true, createdAt: true, lastPollOkAt: true, pollFailures: true, lastPollFailure: true, lastPollFailureAt: true },
      orderBy: { name: "asc" },
    }),
    // Removed with history kept (no credential left): only the fact, computed in the database.
    db.cluster.findMany({ where: { secretSealed: "", ...(options.clusterId ? { id: options.clusterId } : {}) }, select: { id: true } }),
    db.pollerHeartbeat.findFirst({ where: { stoppedAt: null }, orderBy: { lastTickAt: { sort: "desc", nulls: "last" } } }),
  ]);
  const removed = new Set(removedRows.map((r) => r.id));
  const ageOf = (d: Date | null) => (d ? Math.max(0, Math.round((now.getTime() - d.getTime()) / 1000)) : null);
  const clusters = rows.map((row): ClusterPollHealth => {
    const intervalSeconds = options.intervalSeconds ?? row.pollIntervalSeconds;
    const since = row.lastPollOkAt ?? row.createdAt;
    const unpolled = now.getTime() - since.getTime() >= STALE_AFTER_INTERVALS * intervalSeconds * 1000;
    const status = removed.has(row.id) ? "removed" : !row.enabled ? "paused" : unpolled ? "unpolled" : row.pollFailures > 0 ? "failing" : "ok";
    return {
      id: row.id,
      name: row.name,
      enabled: row.enabled,
      status,
      intervalSeconds,
      lastPollOkAt: row.lastPollOkAt?.toISOString() ?? null,
      pollAgeSeconds: ageOf(row.lastPollOkAt),
      consecutiveFailures: row.pollFailures,
      lastFailureAt: row.lastPollFailureAt?.toISOString() ?? null,
      lastFailure: row.lastPollFailure,
    };
  });
  const tickAge = beat?.lastTickAt ? now.getTime() - beat.lastTickAt.getTime() : null;
  const loop: LoopHealth = {
    status: !beat ? "not-running" : tickAge === null || tickAge > LOOP_SILENT_AFTER_MS ? "silent" : beat.tickFailures > 0 ? "failing" : "ok",
    lastTickAt: beat?.lastTickAt?.toISOString() ?? null,
    tickAgeSeconds: ageOf(beat?.lastTickAt ?? null),
    consecutiveFailures: beat?.tickFailures ?? 0,
    lastFailureAt: beat?.lastFailureAt?.toISOString() ?? null,
    lastFailure: beat?.lastFailure ?? null,
  };
  const anyEnabled = clusters.some((c) => c.status !== "paused" && c.status !== "removed");
  const degraded = clusters.some((c) => c.status === "unpolled") || loop.status === "failing" || (anyEnabled && loop.status !== "ok");
  return { status: degraded ? "degraded" : "ok", loop, clusters };
}
