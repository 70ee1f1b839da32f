import type { ProxmoxClient } from "@/lib/proxmox/client";
import { getReplicationLog } from "@/lib/proxmox/replication";
import { detectSyncKindFromLog } from "@/lib/replication/runs";
import type { PrismaClient } from "@/prisma/generated/client";
import type { LogToFetch } from "./apply-snapshot";
import { sqliteDate } from "./create-new-jobs";
import { describeFailure, type ReadFailure } from "./read-cluster";

/**
 * Log reads in flight per node. The first cycle on a large cluster reads one log per job that has
 * run (thousands); one at a time that was most of the cycle. A few per node keeps every node busy
 * without queueing dozens of requests on one pvedaemon.
 */
export const LOG_FETCHES_PER_NODE = 4;
/** Logs written per UPDATE statement (a log is a few KiB at most). */
const WRITE_CHUNK = 200;

type FetchedLog = { runId: string; log: string; kind: string | null };

/**
 * Fetches the logs of runs that just ended, `LOG_FETCHES_PER_NODE` at a time per node, and stores
 * them with their sync kind in a few statements. A log that cannot be read is reported (the run is
 * kept without it: Proxmox overwrites its copy on the next run, so it is not retried).
 */
export async function fetchRunLogs(
  db: PrismaClient,
  client: ProxmoxClient,
  logs: LogToFetch[],
  options: { now: () => Date; signal?: AbortSignal },
): Promise<ReadFailure[]> {
  const failures: ReadFailure[] = [];
  const fetched: FetchedLog[] = [];
  const byNode = new Map<string, LogToFetch[]>();
  for (const log of logs) byNode.set(log.node, [...(byNode.get(log.node) ?? []), log]);
  const worker = async (queue: LogToFetch[]) => {
    for (let next = queue.shift(); next && !options.signal?.aborted; next = queue.shift()) {
      const log = next;
      try {
        const lines = (await getReplicationLog(client, log.node, log.jobId, { limit: 0, signal: options.signal })).data.map((l) => l.t);
        // The log says whether the run sent everything or only a delta; the state transitions cannot always tell.
        const kind = detectSyncKindFromLog(lines);
        fetched.push({ runId: log.runId, log: lines.join("\n"), kind: kind !== "unknown" ? kind : null });
      } catch (error) {
        if (options.signal?.aborted) return;
        const failure = describeFailure(error);
        failures.push({ ...failure, message: `${log.node}: the log of job ${log.jobId} could not be read (${failure.message}); the run is kept without it` });
      }
    }
  };
  await Promise.all([...byNode.values()].flatMap((queue) => Array.from({ length: Math.min(LOG_FETCHES_PER_NODE, queue.length) }, () => worker(queue))));
  await writeLogs(db, fetched, options.now());
  return failures;
}

/** One UPDATE … FROM (VALUES …) per chunk, in one transaction; a run keeps its kind when its log cannot tell. */
async function writeLogs(db: PrismaClient, logs: FetchedLog[], fetchedAt: Date): Promise<void> {
  if (logs.length === 0) return;
  await db.$transaction(async (tx) => {
    for (let i = 0; i < logs.length; i += WRITE_CHUNK) {
      const chunk = logs.slice(i, i + WRITE_CHUNK);
      await tx.$executeRawUnsafe(
        `WITH v(id, log, kind) AS (VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")})
         UPDATE "JobRun" SET "log" = v.log, "logFetchedAt" = ?, "kind" = COALESCE(v.kind, "JobRun"."kind")
         FROM v WHERE "JobRun"."id" = v.id`,
        ...chunk.flatMap((l) => [l.runId, l.log, l.kind]),
        sqliteDate(fetchedAt),
      );
    }
  });
}
