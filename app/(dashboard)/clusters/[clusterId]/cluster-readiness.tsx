"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { ReadinessBadge } from "@/components/readiness-reasons";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { readinessQuery } from "@/lib/query/failover-readiness";

/** The cluster's failover readiness: counts, and the guests that would not fail over cleanly. */
export function ClusterReadiness({ clusterId }: { clusterId: string }) {
  const { data, error } = useQuery(readinessQuery(clusterId));
  const attention = data?.guests.filter((g) => !g.template && g.readiness.verdict === "not-ready") ?? [];
  return (
    <Card className="py-4" data-testid="cluster-readiness">
      <CardHeader className="px-4">
        <CardTitle className="text-base">Failover readiness</CardTitle>
        <CardDescription>
          {error
            ? `Readiness could not be read: ${error.message}`
            : !data
              ? "Reading readiness…"
              : data.summary.total === 0
                ? "No guests read yet."
                : `${data.summary.ready} ready, ${data.summary.warnings} ready with warnings, ${data.summary.notReady} not ready, of ${data.summary.total} guests.`}{" "}
          <Link href="/failover" className="underline">
            Failover page
          </Link>
        </CardDescription>
      </CardHeader>
      {attention.length > 0 && (
        <CardContent className="flex flex-col gap-1 px-4 text-sm">
          {attention.map((g) => (
            <p key={g.vmid} className="flex flex-wrap items-center gap-2">
              <Link href={`/clusters/${clusterId}/guests/${g.vmid}`} className="font-medium hover:underline">
                {g.name ?? `Guest ${g.vmid}`}
              </Link>
              <ReadinessBadge readiness={g.readiness} />
              <span className="text-muted-foreground">{g.readiness.reasons[0]?.text}</span>
            </p>
          ))}
        </CardContent>
      )}
    </Card>
  );
}
