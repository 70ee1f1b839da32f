import Link from "next/link";
import { TableCell, TableRow } from "@/components/ui/table";
import type { HistoryAlert } from "@/lib/alerts/queries";
import { formatDuration } from "@/lib/replication/format-duration";
import { ruleLabel, utc } from "./alert-format";
import { AlertsTableFrame, LEADING_ALERT_COLUMNS, type AlertColumn } from "./alerts-table-frame";

const HISTORY_COLUMNS: AlertColumn[] = [
  ...LEADING_ALERT_COLUMNS,
  { label: "From" },
  { label: "Resolved" },
  { label: "Lasted" },
  { label: "Acknowledged", className: "hidden md:table-cell" },
];

export function AlertHistoryTable({ alerts }: { alerts: HistoryAlert[] }) {
  return (
    <AlertsTableFrame columns={HISTORY_COLUMNS}>
      {alerts.map((a) => (
        <TableRow key={a.id} data-testid="history-alert">
          <TableCell className="text-xs">{a.severity}</TableCell>
          <TableCell className="max-w-xl whitespace-normal">
            <p className="text-muted-foreground text-xs" data-testid="alert-rule-label">
              {ruleLabel(a.rule)}
            </p>
            <Link href={a.link} className="hover:underline">
              {a.title}
            </Link>
          </TableCell>
          <TableCell className="text-xs whitespace-nowrap">{utc(a.startedAt)}</TableCell>
          <TableCell className="text-xs whitespace-nowrap">{utc(a.resolvedAt)}</TableCell>
          <TableCell className="text-xs whitespace-nowrap">{a.resolvedAt ? formatDuration((new Date(a.resolvedAt).getTime() - new Date(a.startedAt).getTime()) / 1000) : "—"}</TableCell>
          <TableCell className="hidden text-xs md:table-cell">{a.acknowledgedBy ? `${a.acknowledgedBy}, ${utc(a.acknowledgedAt)}` : "—"}</TableCell>
        </TableRow>
      ))}
    </AlertsTableFrame>
  );
}
