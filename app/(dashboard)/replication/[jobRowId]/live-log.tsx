"use client";

import { useEffect, useRef } from "react";
import { useQuery } from "@tanstack/react-query";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { liveLogQuery } from "@/lib/query/replication";

/** While a sync runs: its log as Proxmox writes it, followed to the last line. */
export function LiveLog({ jobRowId, syncing }: { jobRowId: string; syncing: boolean }) {
  const { data } = useQuery(liveLogQuery(jobRowId, syncing));
  const end = useRef<HTMLPreElement>(null);
  const lines = data?.running ? data.lines : [];
  useEffect(() => {
    end.current?.scrollTo({ top: end.current.scrollHeight });
  }, [lines.length]);
  if (!syncing || !data?.running) return null;
  return (
    <Card className="py-4">
      <CardHeader className="px-4">
        <CardTitle>
          <h2>Sync in progress</h2>
        </CardTitle>
        <CardDescription>The log on {data.node}, as Proxmox writes it. It is stored with the run when the sync ends.</CardDescription>
      </CardHeader>
      <CardContent className="px-4">
        {data.error ? (
          <p className="text-status-warn text-sm">The live log cannot be read right now: {data.error}</p>
        ) : (
          <pre ref={end} aria-live="polite" data-testid="live-log" className="bg-muted max-h-72 overflow-auto rounded-md p-3 font-mono text-xs whitespace-pre-wrap">
            {lines.join("\n") || "Waiting for the first line…"}
          </pre>
        )}
      </CardContent>
    </Card>
  );
}
