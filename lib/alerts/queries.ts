import type { PrismaClient } from "@/prisma/generated/client";
import { isSilenced } from "./silences";
import type { AlertRule } from "./rules";

const SEVERITY_ORDER: Record<string, number> = { critical: 0, warning: 1 };

/** Open alerts, most severe and oldest first, each with whether a silence covers it now. */
export async function listActiveAlerts(db: PrismaClient, now: Date) {
  const [alerts, silences] = await Promise.all([
    db.alert.findMany({ where: { resolvedAt: null }, orderBy: { startedAt: "asc" } }),
    db.alertSilence.findMany({ where: { cancelledAt: null, expiresAt: { gt: now } } }),
  ]);
  return alerts
    .map((a) => {
      const silence = silences.find((s) => isSilenced({ ...a, rule: a.rule as AlertRule }, [s], now));
      return { ...serialize(a), silencedUntil: silence?.expiresAt.toISOString() ?? null, silenceReason: silence?.reason ?? null };
    })
    .sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 2) - (SEVERITY_ORDER[b.severity] ?? 2));
}
export type ActiveAlert = Awaited<ReturnType<typeof listActiveAlerts>>[number];

export async function listAlertHistory(db: PrismaClient, take = 50) {
  const rows = await db.alert.findMany({ where: { resolvedAt: { not: null } }, orderBy: { resolvedAt: "desc" }, take });
  return rows.map(serialize);
}
export type HistoryAlert = Awaited<ReturnType<typeof listAlertHistory>>[number];

export async function listActiveSilences(db: PrismaClient, now: Date) {
  const rows = await db.alertSilence.findMany({ where: { cancelledAt: null, expiresAt: { gt: now } }, orderBy: { expiresAt: "asc" } });
  return rows.map((s) => ({ ...s, createdAt: s.createdAt.toISOString(), expiresAt: s.expiresAt.toISOString(), cancelledAt: null }));
}
export type ActiveSilence = Awaited<ReturnType<typeof listActiveSilences>>[number];

/** Active alerts per rule, for the sidebar badge and the metrics. */
export async function countActiveAlerts(db: PrismaClient): Promise<{ total: number; byRule: Record<string, number> }> {
  const groups = await db.alert.groupBy({ by: ["rule"], where: { resolvedAt: null }, _count: true });
  const byRule = Object.fromEntries(groups.map((g) => [g.rule, g._count]));
  return { total: groups.reduce((n, g) => n + g._count, 0), byRule };
}

function serialize(a: Awaited<ReturnType<PrismaClient["alert"]["findFirstOrThrow"]>>) {
  return {
    id: a.id, rule: a.rule, severity: a.severity, clusterId: a.clusterId, clusterName: a.clusterName, jobRowId: a.jobRowId, subjectType: a.subjectType,
    subjectId: a.subjectId, title: a.title, detail: a.detail, lastError: a.lastError, lagSeconds: a.lagSeconds, rpoSeconds: a.rpoSeconds, link: a.link,
    startedAt: a.startedAt.toISOString(), lastSeenAt: a.lastSeenAt.toISOString(), clearingSince: a.clearingSince?.toISOString() ?? null,
    resolvedAt: a.resolvedAt?.toISOString() ?? null, notifyCount: a.notifyCount, lastNotifiedAt: a.lastNotifiedAt?.toISOString() ?? null,
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null, acknowledgedBy: a.acknowledgedBy,
  };
}
