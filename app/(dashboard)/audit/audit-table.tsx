import Link from "next/link";
import { StatusBadge } from "@/components/status-badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { AuditPage } from "@/lib/audit/queries";

const OUTCOME_STATUS = { success: "ok", failure: "fail", denied: "warn" } as const;

export function AuditTable({ events }: { events: AuditPage["events"] }) {
  return (
    <div className="rounded-lg border">
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>When (UTC)</TableHead>
            <TableHead>Who</TableHead>
            <TableHead>Action</TableHead>
            <TableHead>Target</TableHead>
            <TableHead>Outcome</TableHead>
            <TableHead className="hidden lg:table-cell">Details</TableHead>
            <TableHead className="hidden md:table-cell">Source</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {events.map((e) => (
            <TableRow key={e.id} data-testid="audit-row">
              <TableCell className="font-mono text-xs whitespace-nowrap">{e.at.toISOString().replace("T", " ").slice(0, 19)}</TableCell>
              <TableCell className="text-sm">{e.actorLabel}</TableCell>
              <TableCell className="font-mono text-xs">{e.action}</TableCell>
              <TableCell className="text-sm">
                {e.targetType === "failover" && e.targetId ? (
                  <Link href={`/failover/operations/${encodeURIComponent(e.targetId)}/report`} className="underline underline-offset-2">
                    failover report
                  </Link>
                ) : e.targetId ? (
                  `${e.targetType}: ${e.targetId}`
                ) : (
                  "—"
                )}
              </TableCell>
              <TableCell>
                <StatusBadge status={OUTCOME_STATUS[e.outcome as keyof typeof OUTCOME_STATUS] ?? "unknown"}>{e.outcome}</StatusBadge>
              </TableCell>
              <TableCell className="hidden max-w-sm lg:table-cell">
                {Object.keys(e.details).length > 0 ? (
                  <pre className="text-muted-foreground overflow-x-auto text-xs whitespace-pre-wrap">{JSON.stringify(e.details)}</pre>
                ) : (
                  "—"
                )}
              </TableCell>
              <TableCell className="text-muted-foreground hidden font-mono text-xs md:table-cell">{e.ip ?? "—"}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
