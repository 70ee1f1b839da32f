import { RULE_INFO, type AlertRule } from "@/lib/alerts/rules";
import { formatDuration } from "@/lib/replication/format-duration";

export function lagVersusRpo(lag: number | null, rpo: number | null): string {
  if (lag === null && rpo === null) return "—";
  const l = lag === null ? "never synced" : formatDuration(lag);
  return rpo === null ? l : `${l} / ${formatDuration(rpo)}`;
}

export function since(iso: string, now = Date.now()): string {
  return `${formatDuration((now - new Date(iso).getTime()) / 1000)} ago`;
}

export function utc(iso: string | null): string {
  return iso ? `${iso.replace("T", " ").slice(0, 16)} UTC` : "—";
}

/** The rule's label as the rule settings show it (a rule this version does not know shows its id). */
export function ruleLabel(rule: string): string {
  return RULE_INFO[rule as AlertRule]?.label ?? rule;
}
