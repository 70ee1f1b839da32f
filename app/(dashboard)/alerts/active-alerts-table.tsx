"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { StatusBadge } from "@/components/status-badge";
import { Button } from "@/components/ui/button";
import { TableCell, TableRow } from "@/components/ui/table";
import type { ActiveAlert } from "@/lib/alerts/queries";
import { sendJson } from "@/lib/http/fetch-json";
import { lagVersusRpo, ruleLabel, since, utc } from "./alert-format";
import { AlertsTableFrame, LEADING_ALERT_COLUMNS, type AlertColumn } from "./alerts-table-frame";
import { SilenceDialog } from "./silence-dialog";

const ACTIVE_COLUMNS: AlertColumn[] = [...LEADING_ALERT_COLUMNS, { label: "Since" }, { label: "Lag / RPO" }, { label: "State" }];

export function ActiveAlertsTable({ alerts, canManage }: { alerts: ActiveAlert[]; canManage: boolean }) {
  return (
    <AlertsTableFrame columns={canManage ? [...ACTIVE_COLUMNS, { label: "Actions", className: "text-right" }] : ACTIVE_COLUMNS}>
      {alerts.map((a) => (
        <TableRow key={a.id} data-testid="active-alert">
          <TableCell>
            <StatusBadge status={a.severity === "critical" ? "fail" : "warn"}>{a.severity}</StatusBadge>
          </TableCell>
          <TableCell className="max-w-xl whitespace-normal">
            <p className="text-muted-foreground text-xs font-medium" data-testid="alert-rule-label">
              {ruleLabel(a.rule)}
            </p>
            <Link href={a.link} className="font-medium hover:underline">
              {a.title}
            </Link>
            <p className="text-muted-foreground text-xs">{a.detail}</p>
            {a.lastError && <p className="text-status-fail font-mono text-xs break-all">{a.lastError}</p>}
          </TableCell>
          <TableCell className="text-sm whitespace-nowrap" title={utc(a.startedAt)}>
            <span suppressHydrationWarning>{since(a.startedAt)}</span>
          </TableCell>
          <TableCell className="font-mono text-xs whitespace-nowrap">{lagVersusRpo(a.lagSeconds, a.rpoSeconds)}</TableCell>
          <TableCell className="text-xs">
            <AlertState alert={a} />
          </TableCell>
          {canManage && (
            <TableCell className="text-right whitespace-nowrap">
              <div className="flex justify-end gap-2">
                {!a.acknowledgedAt && <AcknowledgeButton alertId={a.id} />}
                <SilenceDialog alertId={a.id} title={a.title} />
              </div>
            </TableCell>
          )}
        </TableRow>
      ))}
    </AlertsTableFrame>
  );
}

function AlertState({ alert }: { alert: ActiveAlert }) {
  const lines: string[] = [];
  if (alert.acknowledgedAt) lines.push(`Acknowledged by ${alert.acknowledgedBy ?? "someone"} at ${utc(alert.acknowledgedAt)}`);
  if (alert.silencedUntil) lines.push(`Silenced until ${utc(alert.silencedUntil)}: ${alert.silenceReason ?? ""}`);
  if (alert.clearingSince) lines.push(`Clear since ${utc(alert.clearingSince)}; resolves if it stays clear`);
  if (alert.notifyCount === 0 && !alert.silencedUntil) lines.push("Not sent yet");
  else if (alert.lastNotifiedAt) lines.push(`Notified ${alert.notifyCount}×, last ${utc(alert.lastNotifiedAt)}`);
  return (
    <ul className="space-y-0.5">
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

function AcknowledgeButton({ alertId }: { alertId: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex flex-col items-end">
      <Button
        size="sm"
        variant="outline"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await sendJson(`/api/alerts/${alertId}/acknowledge`, "POST", {});
            router.refresh();
          } catch (e) {
            setError(e instanceof Error ? e.message : String(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        Acknowledge
      </Button>
      {error && (
        <span role="status" className="text-status-fail text-xs">
          {error}
        </span>
      )}
    </span>
  );
}
