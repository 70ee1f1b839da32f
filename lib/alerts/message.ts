import { formatDuration } from "@/lib/replication/format-duration";
import { RULE_INFO, type AlertRule, type Severity } from "./rules";

export const MESSAGE_KINDS = ["fire", "repeat", "resolved", "test"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Everything a channel needs to say what, where, since when, lag vs RPO, the last error, and where to look. */
export type AlertMessage = {
  kind: MessageKind;
  alertId: string | null;
  rule: AlertRule | "test";
  ruleLabel: string;
  severity: Severity | "info";
  /** One line: "[FIRING] …", "[RESOLVED] …". */
  subject: string;
  title: string;
  detail: string;
  cluster: string | null;
  startedAt: string | null;
  resolvedAt: string | null;
  lagSeconds: number | null;
  rpoSeconds: number | null;
  lastError: string | null;
  link: string;
  /** Label/value pairs in display order. */
  facts: { label: string; value: string }[];
  sentAt: string;
};

export type AlertForMessage = {
  id: string;
  rule: string;
  severity: string;
  clusterName: string;
  title: string;
  detail: string;
  lastError: string | null;
  lagSeconds: number | null;
  rpoSeconds: number | null;
  link: string;
  startedAt: Date;
  resolvedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  notifyCount: number;
};

const PREFIX: Record<MessageKind, string> = { fire: "FIRING", repeat: "STILL FIRING", resolved: "RESOLVED", test: "TEST" };

export function buildAlertMessage(alert: AlertForMessage, kind: MessageKind, appUrl: string, now: Date): AlertMessage {
  const rule = alert.rule as AlertRule;
  const facts: { label: string; value: string }[] = [
    { label: "What", value: RULE_INFO[rule]?.label ?? alert.rule },
    { label: "Where", value: alert.clusterName },
    { label: "Since", value: `${alert.startedAt.toISOString()} (${formatDuration((now.getTime() - alert.startedAt.getTime()) / 1000)} ago)` },
  ];
  if (alert.lagSeconds !== null || alert.rpoSeconds !== null) {
    const lag = alert.lagSeconds === null ? "never synced" : formatDuration(alert.lagSeconds);
    const rpo = alert.rpoSeconds === null ? "none" : formatDuration(alert.rpoSeconds);
    const over = alert.lagSeconds !== null && alert.rpoSeconds !== null && alert.lagSeconds > alert.rpoSeconds ? " (over the RPO)" : "";
    facts.push({ label: "Lag / RPO", value: `${lag} / ${rpo}${over}` });
  }
  if (alert.lastError) facts.push({ label: "Last error", value: alert.lastError });
  if (alert.resolvedAt) facts.push({ label: "Resolved", value: alert.resolvedAt.toISOString() });
  if (alert.acknowledgedAt) facts.push({ label: "Acknowledged", value: `${alert.acknowledgedBy ?? "someone"} at ${alert.acknowledgedAt.toISOString()}` });
  const link = `${appUrl}${alert.link}`;
  facts.push({ label: "Open", value: link });
  return {
    kind,
    alertId: alert.id,
    rule,
    ruleLabel: RULE_INFO[rule]?.label ?? alert.rule,
    severity: kind === "resolved" ? "info" : (alert.severity as Severity),
    subject: `[${PREFIX[kind]}] ${alert.title}`,
    title: alert.title,
    detail: alert.detail,
    cluster: alert.clusterName,
    startedAt: alert.startedAt.toISOString(),
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    lagSeconds: alert.lagSeconds,
    rpoSeconds: alert.rpoSeconds,
    lastError: alert.lastError,
    link,
    facts,
    sentAt: now.toISOString(),
  };
}

export function buildTestMessage(channelName: string, appUrl: string, now: Date): AlertMessage {
  return {
    kind: "test", alertId: null, rule: "test", ruleLabel: "Test", severity: "info",
    subject: `[TEST] pve-standby test notification for channel ${channelName}`,
    title: `Test notification for channel ${channelName}`,
    detail: "If you can read this, pve-standby can reach this channel.",
    cluster: null, startedAt: null, resolvedAt: null, lagSeconds: null, rpoSeconds: null, lastError: null,
    link: `${appUrl}/settings/alerts`,
    facts: [{ label: "Open", value: `${appUrl}/settings/alerts` }],
    sentAt: now.toISOString(),
  };
}

/** Plain text body shared by email and the chat formats. */
export function messageText(message: AlertMessage): string {
  return [message.title, "", message.detail, "", ...message.facts.map((f) => `${f.label}: ${f.value}`)].join("\n");
}
