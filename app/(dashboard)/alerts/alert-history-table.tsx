import Link from "next/link";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { HistoryAlert } from "@/lib/alerts/queries";
import { formatDuration } from "@/lib/replication/format-duration";
import { utc } from "./alert-format";

export function AlertHistoryTable({ alerts }: { alerts: HistoryAlert[] }) {
  return (
    <div className="rounded-lg border">
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>Severity</TableHead>
            <TableHead>What</TableHead>
            <TableHead>From</TableHead>
            <TableHead>Resolved</TableHead>
            <TableHead>Lasted</TableHead>
            <TableHead className="hidden md:table-cell">Acknowledged</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {alerts.map((a) => (
            <TableRow key={a.id} data-testid="history-alert">
              <TableCell className="text-xs">{a.severity}</TableCell>
              <TableCell className="max-w-xl whitespace-normal">
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
        </TableBody>
      </Table>
    </div>
  );
}
