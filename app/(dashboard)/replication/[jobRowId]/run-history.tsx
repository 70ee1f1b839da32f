"use client";

import { useState } from "react";
import { StatusBadge } from "@/components/status-badge";
import { Button } from "@/components/ui/button";
import { LocalTime } from "@/components/local-time";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatBytes } from "@/lib/replication/format-bytes";
import { formatSeconds } from "@/lib/replication/format-time";
import type { JobDetail } from "@/lib/replication/job-queries";
import { RunLogDialog } from "./run-log-dialog";

const OUTCOME = {
  ok: { tone: "ok", label: "OK" },
  failed: { tone: "fail", label: "Failed" },
  running: { tone: "syncing", label: "Running" },
} as const;

/** Rows shown before "Show more": the latest runs matter most, the rest is a click away. */
const FIRST_ROWS = 20;

export function RunHistory({ jobRowId, runs: allRuns, runCount }: { jobRowId: string; runs: JobDetail["runs"]; runCount: number }) {
  const [limit, setLimit] = useState(FIRST_ROWS);
  const runs = allRuns.slice(0, limit);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Run history</CardTitle>
        <CardDescription>
          Every run the poller saw, with the log Proxmox kept for it. {runCount > allRuns.length ? `The latest ${allRuns.length} of ${runCount} are loaded.` : ""}
        </CardDescription>
      </CardHeader>
      <CardContent>
        {runs.length === 0 ? (
          <p className="text-muted-foreground text-sm">No run recorded yet. Runs appear here once the poller has seen one start or end.</p>
        ) : (
          <div className="overflow-x-auto rounded-lg border">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Started</TableHead>
                  <TableHead>Outcome</TableHead>
                  <TableHead className="hidden sm:table-cell">Duration</TableHead>
                  <TableHead className="hidden md:table-cell">Kind</TableHead>
                  <TableHead className="hidden lg:table-cell" title="zfs send estimate from the run's log; throughput for successful runs">Size</TableHead>
                  <TableHead className="hidden md:table-cell">Error</TableHead>
                  <TableHead className="text-right">Log</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {runs.map((run) => {
                  const outcome = OUTCOME[run.outcome as keyof typeof OUTCOME] ?? { tone: "unknown", label: run.outcome };
                  return (
                    <TableRow key={run.id}>
                      <TableCell className="text-sm whitespace-normal sm:whitespace-nowrap">
                        <LocalTime at={run.startedAt} />
                      </TableCell>
                      <TableCell>
                        <StatusBadge status={outcome.tone}>{outcome.label}</StatusBadge>
                      </TableCell>
                      <TableCell className="hidden text-sm tabular-nums sm:table-cell">{formatSeconds(run.durationSeconds)}</TableCell>
                      <TableCell className="hidden text-sm capitalize md:table-cell">{run.kind === "unknown" ? "—" : run.kind}</TableCell>
                      <TableCell className="hidden text-sm tabular-nums lg:table-cell">
                        {formatBytes(run.sentBytes)}
                        {run.bytesPerSecond !== null && <span className="text-muted-foreground"> · {formatBytes(run.bytesPerSecond)}/s</span>}
                      </TableCell>
                      <TableCell className="hidden max-w-xs truncate text-sm md:table-cell" title={run.error ?? undefined}>
                        {run.error ?? ""}
                      </TableCell>
                      <TableCell className="text-right">
                        {run.hasLog ? <RunLogDialog jobRowId={jobRowId} runId={run.id} startedAt={run.startedAt} /> : <span className="text-muted-foreground text-xs">—</span>}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </div>
        )}
        {allRuns.length > runs.length && (
          <Button variant="outline" size="sm" className="mt-3" onClick={() => setLimit((n) => n + 40)}>
            Show more runs
          </Button>
        )}
      </CardContent>
    </Card>
  );
}
