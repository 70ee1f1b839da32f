import type { PrismaClient } from "@/prisma/generated/client";
import { openChannelSecrets } from "./channels/channel-store";
import { deliver, type DeliveryDeps } from "./channels/deliver";
import type { AlertMessage } from "./message";

export const MAX_ATTEMPTS = 12;
/** A claim older than this is taken to be from a process that died mid-send, and retried. */
const CLAIM_MS = 60_000;

/** 15 s, 30 s, 1 min, … capped at one hour. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(3600, 15 * 2 ** Math.max(0, attempts - 1));
}

export type DeliverDueDeps = DeliveryDeps & {
  db: PrismaClient;
  encryptionKey: Buffer;
  now: () => Date;
  onError?: (info: { channel: string; deliveryId: string; error: string }) => void;
};

export type DeliverySummary = { delivered: number; retrying: number; failed: number };

/**
 * Sends what is due in the outbox. Each row is claimed first (a conditional UPDATE), so two
 * loops never send the same row; it is marked delivered right after the channel accepted it.
 * Channels run side by side, one row at a time each: a dead SMTP server delays only its own
 * mail, and after one failure the channel's other rows wait for the next round.
 */
export async function deliverDue(deps: DeliverDueDeps, limit = 100): Promise<DeliverySummary> {
  const { db } = deps;
  const now = deps.now();
  const due = await db.alertDelivery.findMany({
    where: { OR: [{ status: "pending", nextAttemptAt: { lte: now } }, { status: "sending", claimedUntil: { lt: now } }] },
    orderBy: [{ nextAttemptAt: "asc" }, { createdAt: "asc" }],
    take: limit,
    include: { channel: true },
  });
  const summary: DeliverySummary = { delivered: 0, retrying: 0, failed: 0 };
  const byChannel = new Map<string, typeof due>();
  for (const row of due) byChannel.set(row.channelId, [...(byChannel.get(row.channelId) ?? []), row]);

  await Promise.all(
    [...byChannel.values()].map(async (rows) => {
      for (const row of rows) {
        const claimed = await db.alertDelivery.updateMany({
          where: { id: row.id, OR: [{ status: "pending" }, { status: "sending", claimedUntil: { lt: now } }] },
          data: { status: "sending", claimedUntil: new Date(now.getTime() + CLAIM_MS), attempts: { increment: 1 } },
        });
        if (claimed.count === 0) continue;
        const attempts = row.attempts + 1;
        try {
          if (!row.channel.enabled && row.kind !== "test") throw new Error("The channel is disabled.");
          const secrets = openChannelSecrets(deps.encryptionKey, row.channel);
          await deliver({ kind: row.channel.kind, name: row.channel.name, config: JSON.parse(row.channel.config), secrets }, JSON.parse(row.message) as AlertMessage, deps);
          const done = deps.now();
          await db.alertDelivery.update({ where: { id: row.id }, data: { status: "delivered", deliveredAt: done, claimedUntil: null, lastError: null } });
          await db.alertChannel.update({ where: { id: row.channelId }, data: { lastOkAt: done } });
          summary.delivered++;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const giveUp = attempts >= MAX_ATTEMPTS || row.kind === "test";
          const failedAt = deps.now();
          await db.alertDelivery.update({
            where: { id: row.id },
            data: { status: giveUp ? "failed" : "pending", claimedUntil: null, lastError: message, nextAttemptAt: new Date(failedAt.getTime() + retryDelaySeconds(attempts) * 1000) },
          });
          await db.alertChannel.update({ where: { id: row.channelId }, data: { lastErrorAt: failedAt, lastError: message } });
          deps.onError?.({ channel: row.channel.name, deliveryId: row.id, error: message });
          if (giveUp) summary.failed++;
          else summary.retrying++;
          break;
        }
      }
    }),
  );
  return summary;
}
