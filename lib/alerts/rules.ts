import { z } from "zod";

// Pure and client-safe: the rules, their defaults, and how overrides combine.

export const ALERT_RULES = [
  "job-failed",
  "rpo-breached",
  "job-stale",
  "node-offline",
  "cluster-unreachable",
  "certificate-changed",
  "poller-behind",
  "failback-decision",
] as const;
export const alertRuleSchema = z.enum(ALERT_RULES);
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const SEVERITIES = ["critical", "warning"] as const;
export type Severity = (typeof SEVERITIES)[number];

export type RuleSettings = {
  enabled: boolean;
  /** job-failed: minimum fail count; unused otherwise. */
  threshold: number;
  /** Seconds between reminders while active and unacknowledged; 0 never repeats. */
  repeatSeconds: number;
  /**
   * Flap damping: the condition must stay clear this long before the alert resolves. A job that
   * fails every other run (retry after 5 min, next run 15 min later) never stays clear for 15 min,
   * so it stays one alert instead of a mail per run.
   */
  clearAfterSeconds: number;
};

export const RULE_INFO: Record<AlertRule, { label: string; severity: Severity; scopes: readonly ("cluster" | "job")[]; thresholdLabel?: string; defaults: RuleSettings }> = {
  "job-failed": {
    label: "Replication job failed",
    severity: "critical",
    scopes: ["cluster", "job"],
    thresholdLabel: "Minimum fail count",
    defaults: { enabled: true, threshold: 1, repeatSeconds: 4 * 3600, clearAfterSeconds: 15 * 60 },
  },
  "rpo-breached": {
    label: "Copy older than its RPO",
    severity: "critical",
    scopes: ["cluster", "job"],
    defaults: { enabled: true, threshold: 0, repeatSeconds: 4 * 3600, clearAfterSeconds: 10 * 60 },
  },
  "job-stale": {
    label: "Job state unreadable (owner node cannot be read)",
    severity: "warning",
    scopes: ["cluster", "job"],
    defaults: { enabled: true, threshold: 0, repeatSeconds: 12 * 3600, clearAfterSeconds: 5 * 60 },
  },
  "node-offline": {
    label: "Node offline",
    severity: "critical",
    scopes: ["cluster"],
    defaults: { enabled: true, threshold: 0, repeatSeconds: 4 * 3600, clearAfterSeconds: 2 * 60 },
  },
  "cluster-unreachable": {
    label: "Cluster unreachable",
    severity: "critical",
    scopes: ["cluster"],
    defaults: { enabled: true, threshold: 0, repeatSeconds: 4 * 3600, clearAfterSeconds: 2 * 60 },
  },
  "certificate-changed": {
    label: "Node certificate changed",
    severity: "critical",
    scopes: ["cluster"],
    defaults: { enabled: true, threshold: 0, repeatSeconds: 24 * 3600, clearAfterSeconds: 0 },
  },
  "poller-behind": {
    label: "Poller behind",
    severity: "warning",
    scopes: ["cluster"],
    // When a cluster counts as unpolled is the poller's own rule (lib/poller/health.ts, 3 intervals).
    defaults: { enabled: true, threshold: 0, repeatSeconds: 4 * 3600, clearAfterSeconds: 0 },
  },
  "failback-decision": {
    label: "Failback hold waits for a decision (keep or discard the old node's writes)",
    // Critical like a breached RPO: while the hold waits, the guest's only job is disabled, so its
    // copy gets older with nothing that clears it by itself; only a person's choice does.
    severity: "critical",
    scopes: ["cluster", "job"],
    // A choice is a person's act and never flaps: it resolves at the evaluation that sees it.
    defaults: { enabled: true, threshold: 0, repeatSeconds: 4 * 3600, clearAfterSeconds: 0 },
  },
};

export type SettingRow = {
  scope: string;
  scopeId: string;
  rule: string;
  enabled: boolean | null;
  threshold: number | null;
  repeatSeconds: number | null;
  clearAfterSeconds: number | null;
};

/** Built-in defaults, then global, then the cluster's, then the job's: the narrowest set field wins. */
export function resolveSettings(rule: AlertRule, rows: SettingRow[], clusterId: string, jobRowId?: string): RuleSettings {
  const layers = [
    rows.find((r) => r.rule === rule && r.scope === "global"),
    rows.find((r) => r.rule === rule && r.scope === "cluster" && r.scopeId === clusterId),
    jobRowId ? rows.find((r) => r.rule === rule && r.scope === "job" && r.scopeId === jobRowId) : undefined,
  ];
  const out = { ...RULE_INFO[rule].defaults };
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.enabled !== null) out.enabled = layer.enabled;
    if (layer.threshold !== null) out.threshold = layer.threshold;
    if (layer.repeatSeconds !== null) out.repeatSeconds = layer.repeatSeconds;
    if (layer.clearAfterSeconds !== null) out.clearAfterSeconds = layer.clearAfterSeconds;
  }
  return out;
}

export const ruleSettingInputSchema = z.object({
  scope: z.enum(["global", "cluster", "job"]),
  scopeId: z.string().max(100).default(""),
  rule: alertRuleSchema,
  enabled: z.boolean().nullable(),
  threshold: z.number().int().min(0).max(100_000).nullable(),
  repeatSeconds: z.number().int().min(0).max(30 * 86_400).nullable(),
  clearAfterSeconds: z.number().int().min(0).max(86_400).nullable(),
});
export type RuleSettingInput = z.infer<typeof ruleSettingInputSchema>;
