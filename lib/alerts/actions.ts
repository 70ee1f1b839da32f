import { z } from "zod";
import { UserError } from "@/lib/auth/users";
import type { PrismaClient } from "@/prisma/generated/client";
import { alertRuleSchema, type RuleSettingInput } from "./rules";

// Operator actions on alerts. Routes audit them (guardedRoute); these return what changed.

/** Stops reminders; the resolved notice is still sent when the condition clears. */
export async function acknowledgeAlert(db: PrismaClient, alertId: string, by: string, now: Date) {
  const alert = await db.alert.findUnique({ where: { id: alertId } });
  if (!alert) throw new UserError("That alert does not exist.");
  if (alert.resolvedAt) throw new UserError("That alert is already resolved.");
  if (alert.acknowledgedAt) throw new UserError(`Already acknowledged by ${alert.acknowledgedBy ?? "someone"}.`);
  await db.alert.update({ where: { id: alertId }, data: { acknowledgedAt: now, acknowledgedBy: by } });
  return { id: alertId, rule: alert.rule, title: alert.title };
}

export const silenceInputSchema = z
  .object({
    rule: alertRuleSchema.nullable().default(null),
    clusterId: z.string().max(100).nullable().default(null),
    jobRowId: z.string().max(100).nullable().default(null),
    subjectId: z.string().max(200).nullable().default(null),
    /** Silence the subject of this alert (fills the fields above from it). */
    alertId: z.string().max(100).optional(),
    durationMinutes: z.number().int().min(1).max(60 * 24 * 30),
    reason: z.string().trim().min(3, "say why (at least 3 characters)").max(500),
  });
export type SilenceInput = z.infer<typeof silenceInputSchema>;

export async function createSilence(db: PrismaClient, input: SilenceInput, by: string, now: Date) {
  let match: { rule: string | null; clusterId: string | null; jobRowId: string | null; subjectId: string | null } = { rule: input.rule, clusterId: input.clusterId, jobRowId: input.jobRowId, subjectId: input.subjectId };
  if (input.alertId) {
    const alert = await db.alert.findUnique({ where: { id: input.alertId } });
    if (!alert) throw new UserError("That alert does not exist.");
    match = { rule: alert.rule, clusterId: alert.clusterId, jobRowId: alert.jobRowId, subjectId: alert.subjectId };
  }
  if (!match.rule && !match.clusterId && !match.jobRowId && !match.subjectId) throw new UserError("A silence must name a rule, a cluster, a job or an alert.");
  const expiresAt = new Date(now.getTime() + input.durationMinutes * 60_000);
  const row = await db.alertSilence.create({ data: { ...match, reason: input.reason, createdBy: by, createdAt: now, expiresAt } });
  return { id: row.id, ...match, reason: input.reason, expiresAt: expiresAt.toISOString() };
}

export async function cancelSilence(db: PrismaClient, silenceId: string, now: Date) {
  const silence = await db.alertSilence.findUnique({ where: { id: silenceId } });
  if (!silence) throw new UserError("That silence does not exist.");
  if (silence.cancelledAt || silence.expiresAt <= now) throw new UserError("That silence is no longer active.");
  await db.alertSilence.update({ where: { id: silenceId }, data: { cancelledAt: now } });
  return { id: silenceId, reason: silence.reason };
}

/** Sets one rule override; all-null fields remove the row (the scope inherits again). */
export async function saveRuleSetting(db: PrismaClient, input: RuleSettingInput) {
  const scopeId = input.scope === "global" ? "" : input.scopeId;
  if (input.scope !== "global" && !scopeId) throw new UserError("A cluster or job override needs its id.");
  const key = { scope_scopeId_rule: { scope: input.scope, scopeId, rule: input.rule } };
  const before = await db.alertRuleSetting.findUnique({ where: key });
  const values = { enabled: input.enabled, threshold: input.threshold, repeatSeconds: input.repeatSeconds, clearAfterSeconds: input.clearAfterSeconds };
  if (Object.values(values).every((v) => v === null)) {
    if (before) await db.alertRuleSetting.delete({ where: key });
  } else {
    await db.alertRuleSetting.upsert({ where: key, create: { scope: input.scope, scopeId, rule: input.rule, ...values }, update: values });
  }
  const pick = (r: typeof before) => (r ? { enabled: r.enabled, threshold: r.threshold, repeatSeconds: r.repeatSeconds, clearAfterSeconds: r.clearAfterSeconds } : null);
  return { scope: input.scope, scopeId, rule: input.rule, before: pick(before), after: values };
}
