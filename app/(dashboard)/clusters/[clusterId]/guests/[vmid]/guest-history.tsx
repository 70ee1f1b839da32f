import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { StatusBadge } from "@/components/status-badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatSeconds } from "@/lib/replication/format-time";
import type { GuestReplication } from "@/lib/replication/queries";

const OUTCOME = { ok: { tone: "ok", label: "OK" }, failed: { tone: "fail", label: "Failed" }, running: { tone: "syncing", label: "Running" } } as const;

export function GuestHistory({ runs, goneJobs }: { runs: GuestReplication["runs"]; goneJobs: GuestReplication["goneJobs"] }) {
  return (
    <div className="flex flex-col gap-3">
      {runs.length === 0 ? (
        <p className="text-muted-foreground rounded-lg border border-dashed p-6 text-center text-sm">No run recorded yet.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Started</TableHead>
                <TableHead>Job</TableHead>
                <TableHead>Outcome</TableHead>
                <TableHead className="hidden sm:table-cell">Duration</TableHead>
                <TableHead className="hidden md:table-cell">Kind</TableHead>
                <TableHead className="hidden md:table-cell">Error</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {runs.map((run) => (
                <TableRow key={run.id}>
                  <TableCell className="text-sm whitespace-normal sm:whitespace-nowrap">
                        <LocalTime at={run.startedAt} />
                      </TableCell>
                  <TableCell>
                    <Link href={`/replication/${run.jobRowId}`} className="hover:underline">
                      {run.jobId}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <StatusBadge status={OUTCOME[run.outcome as keyof typeof OUTCOME]?.tone ?? "unknown"}>{OUTCOME[run.outcome as keyof typeof OUTCOME]?.label ?? run.outcome}</StatusBadge>
                  </TableCell>
                  <TableCell className="hidden text-sm tabular-nums sm:table-cell">{formatSeconds(run.durationSeconds)}</TableCell>
                  <TableCell className="hidden text-sm capitalize md:table-cell">{run.kind === "unknown" ? "—" : run.kind}</TableCell>
                  <TableCell className="hidden max-w-xs truncate text-sm md:table-cell" title={run.error ?? undefined}>
                    {run.error ?? ""}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {goneJobs.length > 0 && (
        <p className="text-muted-foreground text-sm">
          Removed jobs with kept history:{" "}
          {goneJobs.map((j, i) => (
            <span key={j.id}>
              {i > 0 && ", "}
              <Link href={`/replication/${j.id}`} className="hover:underline">
                {j.jobId} → {j.target}
              </Link>
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
