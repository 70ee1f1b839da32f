import type { ReactNode } from "react";
import { Table, TableBody, TableHead, TableHeader, TableRow } from "@/components/ui/table";

export type AlertColumn = { label: string; className?: string };

/** The frame both alert tables share (active and history): bordered table, header row, body. */
export function AlertsTableFrame({ columns, children }: { columns: AlertColumn[]; children: ReactNode }) {
  return (
    <div className="rounded-lg border">
      <Table>
        <TableHeader>
          <TableRow>
            {columns.map((c) => (
              <TableHead key={c.label} className={c.className}>
                {c.label}
              </TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>{children}</TableBody>
      </Table>
    </div>
  );
}

/** Severity and What lead both tables, so an alert reads the same in either. */
export const LEADING_ALERT_COLUMNS: AlertColumn[] = [{ label: "Severity" }, { label: "What" }];
