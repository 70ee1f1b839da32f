import type { Alert, PrismaClient } from "@/prisma/generated/client";
import { collectClusterConditions, type Condition } from "./conditions";
import { enqueueAlertNotification } from "./outbox";
import { resolveSettings, type AlertRule } from "./rules";
import { isSilenced } from "./silences";

export type EvaluateDeps = {
  db: PrismaClient;
  now: () => Date;
  appUrl: string;
  pollIntervalSeconds?: number;
};

export type EvaluationSummary = { active: number; fired: number; repeated: number; resolved: number; queued: number };

/**
 * Reconciles the conditions that hold now with the open alerts of the given clusters (all when
 * omitted): a new condition opens an alert and notifies once; an open one reminds every
 * `repeatSeconds` unless acknowledged or silenced; one whose condition stayed clear for
 * `clearAfterSeconds` resolves and sends a resolved notice if anything was sent about it.
 * Idempotent: calling it twice in a row changes nothing the second time.
 */
export async function evaluateAlerts(deps: EvaluateDeps, clusterIds?: string[]): Promise<EvaluationSummary> {
  const { db } = deps;
  const now = deps.now();
  const summary: EvaluationSummary = { active: 0, fired: 0, repeated: 0, resolved: 0, queued: 0 };
  const [settings, silences] = await Promise.all([
    db.alertRuleSetting.findMany(),
    db.alertSilence.findMany({ where: { cancelledAt: null, expiresAt: { gt: now } } }),
  ]);
  const allClusters = clusterIds === undefined;
  const ids = clusterIds ?? (await db.cluster.findMany({ select: { id: true } })).map((c) => c.id);

  const holding = new Map<string, Condition>();
  const unknown = new Map<string, Set<AlertRule>>();
  for (const id of ids) {
    const found = await collectClusterConditions(db, id, { now, settings, pollIntervalSeconds: deps.pollIntervalSeconds });
    if (!found) continue;
    for (const c of found.conditions) holding.set(c.key, c);
    unknown.set(id, new Set(found.unknownRules));
  }
  const open = await db.alert.findMany({ where: { resolvedAt: null, ...(allClusters ? {} : { clusterId: { in: ids } }) } });
  const openByKey = new Map(open.map((a) => [a.activeKey ?? "", a]));
  const ctx = { now, appUrl: deps.appUrl };

  for (const condition of holding.values()) {
    let alert: Alert | null | undefined = openByKey.get(condition.key);
    const fields = {
      severity: condition.severity, clusterName: condition.clusterName, title: condition.title, detail: condition.detail, lastError: condition.lastError,
      lagSeconds: condition.lagSeconds, rpoSeconds: condition.rpoSeconds, link: condition.link, facts: JSON.stringify(condition.facts), lastSeenAt: now, clearingSince: null,
    };
    if (alert) {
      alert = await db.alert.update({ where: { id: alert.id }, data: fields });
    } else {
      alert = await createAlert(db, condition, fields, now);
      if (!alert) continue;
    }
    summary.active++;
    if (isSilenced(condition, silences, now)) continue;
    const settingsFor = resolveSettings(condition.rule, settings, condition.clusterId, condition.jobRowId ?? undefined);
    if (alert.notifyCount === 0) {
      summary.queued += await enqueueAlertNotification(db, alert, "fire", ctx);
      summary.fired++;
    } else if (!alert.acknowledgedAt && settingsFor.repeatSeconds > 0 && alert.lastNotifiedAt && now.getTime() - alert.lastNotifiedAt.getTime() >= settingsFor.repeatSeconds * 1000) {
      summary.queued += await enqueueAlertNotification(db, alert, "repeat", ctx);
      summary.repeated++;
    }
  }

  for (const alert of open) {
    if (alert.activeKey && holding.has(alert.activeKey)) continue;
    const clusterGone = !unknown.has(alert.clusterId);
    if (clusterGone && !allClusters) continue;
    if (unknown.get(alert.clusterId)?.has(alert.rule as AlertRule)) {
      summary.active++;
      continue;
    }
    const clearingSince = alert.clearingSince ?? now;
    const { clearAfterSeconds } = resolveSettings(alert.rule as AlertRule, settings, alert.clusterId, alert.jobRowId ?? undefined);
    if (!clusterGone && now.getTime() - clearingSince.getTime() < clearAfterSeconds * 1000) {
      if (!alert.clearingSince) await db.alert.update({ where: { id: alert.id }, data: { clearingSince } });
      summary.active++;
      continue;
    }
    const resolved = await db.alert.update({
      where: { id: alert.id },
      data: { resolvedAt: now, activeKey: null, clearingSince, ...(clusterGone ? { detail: `${alert.detail} (the cluster was removed from pve-standby)` } : {}) },
    });
    summary.resolved++;
    if (resolved.notifyCount > 0 && !isSilenced({ ...resolved, subjectId: resolved.subjectId, rule: resolved.rule as AlertRule }, silences, now)) {
      summary.queued += await enqueueAlertNotification(db, resolved, "resolved", ctx);
    }
  }
  return summary;
}

async function createAlert(db: PrismaClient, condition: Condition, fields: Record<string, unknown>, now: Date): Promise<Alert | null> {
  try {
    return await db.alert.create({
      data: {
        ...(fields as object),
        activeKey: condition.key, rule: condition.rule, clusterId: condition.clusterId, clusterName: condition.clusterName, jobRowId: condition.jobRowId,
        subjectType: condition.subjectType, subjectId: condition.subjectId, severity: condition.severity, title: condition.title, detail: condition.detail,
        link: condition.link, startedAt: now, lastSeenAt: now,
      },
    });
  } catch (error) {
    // Another evaluation (a second instance) opened it first: the unique activeKey says so.
    if (error instanceof Error && /Unique constraint/i.test(error.message)) return null;
    throw error;
  }
}
