"use client";

import { useState } from "react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDuration } from "@/lib/replication/format-duration";
import { ALERT_RULES, RULE_INFO, resolveSettings, type AlertRule, type SettingRow } from "@/lib/alerts/rules";
import { useAction } from "./use-action";

const selectClass = "border-input bg-background h-9 rounded-md border px-2 text-sm";

export function RulesSection({ settings, clusters }: { settings: SettingRow[]; clusters: { id: string; name: string }[] }) {
  const overrides = settings.filter((s) => s.scope !== "global");
  const remove = useAction();
  return (
    <section aria-labelledby="rules-heading" className="grid gap-4">
      <div>
        <h2 id="rules-heading" className="text-lg font-semibold">
          Rules
        </h2>
        <p className="text-muted-foreground text-sm">
          Each alert is sent once, reminded every &ldquo;repeat&rdquo; while active and not acknowledged, and resolved once its condition stayed clear for &ldquo;clear after&rdquo;
          (so a job failing every other run stays one alert). A job&apos;s setting beats its cluster&apos;s, which beats the global one.
        </p>
      </div>
      <div className="rounded-lg border">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Rule</TableHead>
              <TableHead>Severity</TableHead>
              <TableHead>On</TableHead>
              <TableHead>Threshold</TableHead>
              <TableHead>Repeat</TableHead>
              <TableHead>Clear after</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {ALERT_RULES.map((rule) => {
              const s = resolveSettings(rule, settings, "");
              return (
                <TableRow key={rule} data-testid="alert-rule">
                  <TableCell>{RULE_INFO[rule].label}</TableCell>
                  <TableCell>{RULE_INFO[rule].severity}</TableCell>
                  <TableCell>{s.enabled ? "yes" : "no"}</TableCell>
                  <TableCell>{RULE_INFO[rule].thresholdLabel ? `${RULE_INFO[rule].thresholdLabel}: ${s.threshold}` : "—"}</TableCell>
                  <TableCell>{s.repeatSeconds ? formatDuration(s.repeatSeconds) : "never"}</TableCell>
                  <TableCell>{s.clearAfterSeconds ? formatDuration(s.clearAfterSeconds) : "at once"}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
      {overrides.length > 0 && (
        <ul className="divide-y rounded-lg border text-sm">
          {overrides.map((o) => (
            <li key={`${o.scope}:${o.scopeId}:${o.rule}`} className="flex items-center justify-between gap-2 p-2">
              <span>
                {o.scope} {o.scope === "cluster" ? (clusters.find((c) => c.id === o.scopeId)?.name ?? o.scopeId) : o.scopeId} · {RULE_INFO[o.rule as AlertRule]?.label ?? o.rule}:{" "}
                {[o.enabled !== null && (o.enabled ? "on" : "off"), o.threshold !== null && `threshold ${o.threshold}`, o.repeatSeconds !== null && `repeat ${formatDuration(o.repeatSeconds)}`, o.clearAfterSeconds !== null && `clear after ${formatDuration(o.clearAfterSeconds)}`].filter(Boolean).join(", ")}
              </span>
              <Button size="sm" variant="ghost" disabled={remove.busy} onClick={() => remove.run("/api/alerts/rules", "PUT", { scope: o.scope, scopeId: o.scopeId, rule: o.rule, enabled: null, threshold: null, repeatSeconds: null, clearAfterSeconds: null })}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <OverrideForm clusters={clusters} />
    </section>
  );
}

function OverrideForm({ clusters }: { clusters: { id: string; name: string }[] }) {
  const [scope, setScope] = useState<"global" | "cluster" | "job">("global");
  const [scopeId, setScopeId] = useState("");
  const [rule, setRule] = useState<AlertRule>("job-failed");
  const [enabled, setEnabled] = useState("inherit");
  const [threshold, setThreshold] = useState("");
  const [repeat, setRepeat] = useState("");
  const [clear, setClear] = useState("");
  const save = useAction();
  const minutes = (v: string) => (v.trim() === "" ? null : Math.round(Number(v) * 60));
  return (
    <form
      className="grid gap-3 rounded-lg border p-4"
      aria-label="Rule setting"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run("/api/alerts/rules", "PUT", {
          scope, scopeId: scope === "global" ? "" : scopeId, rule,
          enabled: enabled === "inherit" ? null : enabled === "on", threshold: threshold.trim() === "" ? null : Number(threshold),
          repeatSeconds: minutes(repeat), clearAfterSeconds: minutes(clear),
        });
      }}
    >
      <h3 className="font-medium">Change a rule</h3>
      <div className="grid gap-3 sm:grid-cols-4">
        <div className="grid gap-1.5">
          <Label htmlFor="rule-scope">For</Label>
          <select id="rule-scope" className={selectClass} value={scope} onChange={(e) => setScope(e.target.value as typeof scope)}>
            <option value="global">all clusters</option>
            <option value="cluster">one cluster</option>
            <option value="job">one job (row id from its page URL)</option>
          </select>
        </div>
        {scope === "cluster" && (
          <div className="grid gap-1.5">
            <Label htmlFor="rule-cluster">Cluster</Label>
            <select id="rule-cluster" className={selectClass} value={scopeId} onChange={(e) => setScopeId(e.target.value)}>
              <option value="">choose…</option>
              {clusters.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {scope === "job" && (
          <div className="grid gap-1.5">
            <Label htmlFor="rule-job">Job row id</Label>
            <Input id="rule-job" value={scopeId} onChange={(e) => setScopeId(e.target.value)} />
          </div>
        )}
        <div className="grid gap-1.5">
          <Label htmlFor="rule-rule">Rule</Label>
          <select id="rule-rule" className={selectClass} value={rule} onChange={(e) => setRule(e.target.value as AlertRule)}>
            {ALERT_RULES.map((r) => (
              <option key={r} value={r}>
                {RULE_INFO[r].label}
              </option>
            ))}
          </select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="rule-enabled">On</Label>
          <select id="rule-enabled" className={selectClass} value={enabled} onChange={(e) => setEnabled(e.target.value)}>
            <option value="inherit">inherit</option>
            <option value="on">on</option>
            <option value="off">off</option>
          </select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="rule-threshold">Threshold (empty: inherit)</Label>
          <Input id="rule-threshold" inputMode="numeric" value={threshold} onChange={(e) => setThreshold(e.target.value)} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="rule-repeat">Repeat every (minutes, 0 = never)</Label>
          <Input id="rule-repeat" inputMode="numeric" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="rule-clear">Clear after (minutes)</Label>
          <Input id="rule-clear" inputMode="numeric" value={clear} onChange={(e) => setClear(e.target.value)} />
        </div>
      </div>
      {save.error && (
        <Alert variant="destructive">
          <AlertDescription>{save.error}</AlertDescription>
        </Alert>
      )}
      <div>
        <Button type="submit" disabled={save.busy}>
          Save
        </Button>
      </div>
    </form>
  );
}
