import type { Logger } from "pino";
import type { PrismaClient } from "@/prisma/generated/client";

// The cross-process half of triggerPoll: a "poll requested at" mark on the cluster row. The
// poller reads every enabled cluster each tick anyway, so whichever process runs it (the app, or
// `npm run poller` with POLLER_ENABLED=0 for the app) sees the mark within a tick at no extra query.

/** Marks the cluster for a poll at the poller's next tick. A cluster deleted meanwhile is no error. */
export async function requestPoll(db: PrismaClient, clusterId: string, at: Date = new Date()): Promise<void> {
  await db.cluster.updateMany({ where: { id: clusterId }, data: { pollRequestedAt: at } });
}

/**
 * Clears the mark a cycle is about to honour, only if it is still the one the poller read: a
 * request made since then stays set and gets its own poll after this one. A failure is logged and
 * the poll goes on; the mark then only causes one extra poll.
 */
export async function clearPollRequest(db: PrismaClient, clusterId: string, seen: Date, log: Pick<Logger, "error">): Promise<void> {
  try {
    await db.cluster.updateMany({ where: { id: clusterId, pollRequestedAt: seen }, data: { pollRequestedAt: null } });
  } catch (error) {
    log.error({ clusterId, err: error }, "Could not clear the cluster's poll request; it will be polled once more");
  }
}
