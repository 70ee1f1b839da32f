"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { FileText } from "lucide-react";
import { Button } from "@/components/ui/button";
import { LocalTime } from "@/components/local-time";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { runLogQuery } from "@/lib/query/replication";

/** The run's stored log, loaded only when opened (logs are the largest thing we keep). */
export function RunLogDialog({ jobRowId, runId, startedAt }: { jobRowId: string; runId: string; startedAt: number }) {
  const [open, setOpen] = useState(false);
  const { data, error } = useQuery({ ...runLogQuery(jobRowId, runId), enabled: open });
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`Log of the run started ${new Date(startedAt * 1000).toISOString()}`}>
          <FileText aria-hidden /> <span className="hidden sm:inline">Log</span>
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-3xl">
        <DialogHeader>
          <DialogTitle>Run log</DialogTitle>
          <DialogDescription>Started <LocalTime at={startedAt} />. Times in the log are the node&apos;s local time.</DialogDescription>
        </DialogHeader>
        {error && <p className="text-destructive text-sm">{error.message}</p>}
        {!data && !error && <Skeleton className="h-48" />}
        {data && (
          <pre tabIndex={0} className="bg-muted max-h-[60vh] overflow-auto rounded-md p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none">
            {data.log ?? "No log was stored for this run."}
          </pre>
        )}
      </DialogContent>
    </Dialog>
  );
}
