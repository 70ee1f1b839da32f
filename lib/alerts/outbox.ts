import type { Alert, PrismaClient } from "@/prisma/generated/client";
import { buildAlertMessage, type MessageKind } from "./message";

const SEVERITY_RANK: Record<string, number> = { info: 0, warning: 1, critical: 2 };

/** Whether a channel whose floor is `minSeverity` takes a message of `severity` (resolved notices follow their alert). */
export function channelTakes(minSeverity: string, severity: string): boolean {
  return (SEVERITY_RANK[severity] ?? 2) >= (SEVERITY_RANK[minSeverity] ?? 1);
}

/**
 * Queues one notification of an alert for every enabled channel that takes its severity, and
 * counts it on the alert, in one transaction: the outbox row exists before anything is sent, so
 * a restart never loses it, and (dedupeKey, channel) is unique so it is never queued twice.
 */
export async function enqueueAlertNotification(db: PrismaClient, alert: Alert, kind: Exclude<MessageKind, "test">, ctx: { now: Date; appUrl: string }): Promise<number> {
  const seq = alert.notifyCount + 1;
  const channels = await db.alertChannel.findMany({ where: { enabled: true }, select: { id: true, minSeverity: true } });
  const message = buildAlertMessage(alert, kind, ctx.appUrl, ctx.now);
  const targets = channels.filter((c) => channelTakes(c.minSeverity, alert.severity));
  await db.$transaction([
    db.alert.update({ where: { id: alert.id }, data: { notifyCount: seq, lastNotifiedAt: ctx.now } }),
    ...targets.map((c) =>
      db.alertDelivery.create({
        data: { dedupeKey: `${alert.id}:${kind}:${seq}`, alertId: alert.id, channelId: c.id, kind, message: JSON.stringify(message), nextAttemptAt: ctx.now, createdAt: ctx.now },
      }),
    ),
  ]);
  return targets.length;
}
