"use client";

import { useQuery } from "@tanstack/react-query";
import { CircleCheck } from "lucide-react";
import { PageSkeleton } from "@/components/page-skeleton";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { failoverOverviewQuery } from "@/lib/query/failover-readiness";
import { DownNode } from "./down-node";
import { ReadinessSummary } from "./readiness-summary";

/**
 * Leads with what is down; problems (HA chose a node without a replica, or could not start the
 * guest) come before everything else. When nothing is down it says so in words, never by an
 * empty page.
 */
export function FailoverView({ canAct }: { canAct: boolean }) {
  const { data, error } = useQuery(failoverOverviewQuery());
  if (!data) {
    return error ? (
      <Alert variant="destructive">
        <AlertDescription>The failover state could not be read: {error.message}</AlertDescription>
      </Alert>
    ) : (
      <PageSkeleton rows={3} />
    );
  }
  const problems = data.clusters.flatMap((c) => c.outages.flatMap((o) => o.guests.filter((g) => g.problem).map((g) => ({ cluster: c.name, outage: o, guest: g }))));
  const down = data.clusters.flatMap((c) => c.outages.filter((o) => o.endedAt === null).map((o) => ({ cluster: c, outage: o })));
  const returned = data.clusters.flatMap((c) => c.outages.filter((o) => o.endedAt !== null).map((o) => ({ cluster: c, outage: o })));
  const unrecordedOffline = data.clusters.flatMap((c) => c.offlineNodes.filter((n) => !c.outages.some((o) => o.node === n.name && o.endedAt === null)).map((n) => ({ cluster: c.name, ...n })));

  return (
    <div className="flex flex-col gap-6">
      {error && (
        <Alert variant="destructive">
          <AlertDescription>Showing the last data received. {error.message}</AlertDescription>
        </Alert>
      )}
      {problems.map(({ cluster, outage, guest }) => (
        <Alert key={`${outage.id}-${guest.vmid}`} variant="destructive" data-testid="failover-problem">
          <AlertTitle>
            {guest.name ?? guest.sid} ({guest.sid}) in {cluster}
          </AlertTitle>
          <AlertDescription>{guest.problem}</AlertDescription>
        </Alert>
      ))}
      {data.clusters.length === 0 && <p className="text-muted-foreground rounded-lg border border-dashed p-6 text-center text-sm">No cluster is connected: nothing can be down, and nothing is protected yet.</p>}
      {down.length === 0 && data.clusters.length > 0 && (
        <section aria-label="Nothing is down" className="bg-status-ok/10 border-status-ok/30 flex items-start gap-3 rounded-lg border p-4" data-testid="nothing-down">
          <CircleCheck className="text-status-ok mt-0.5 size-5 shrink-0" aria-hidden />
          <div className="text-sm">
            <p className="font-medium">Nothing is down.</p>
            <p className="text-muted-foreground">
              {data.clusters.map((c) => `${c.name}: every node online${c.quorate === false ? ", but without quorum" : ""}`).join(" · ")}. Readiness below says what a failure would cost.
            </p>
          </div>
        </section>
      )}
      {unrecordedOffline.map((n) => (
        <Alert key={`${n.cluster}-${n.name}`}>
          <AlertDescription>
            {n.name} in {n.cluster} is offline; its failure is recorded at the next poll.
          </AlertDescription>
        </Alert>
      ))}
      {down.map(({ cluster, outage }) => (
        <DownNode key={outage.id} cluster={cluster} outage={outage} canAct={canAct} />
      ))}
      {returned.length > 0 && (
        <section aria-labelledby="returned-heading" className="flex flex-col gap-3">
          <h2 id="returned-heading" className="text-lg font-semibold">
            Recently back online
          </h2>
          {returned.map(({ cluster, outage }) => (
            <DownNode key={outage.id} cluster={cluster} outage={outage} canAct={canAct} />
          ))}
        </section>
      )}
      <ReadinessSummary clusters={data.clusters} />
    </div>
  );
}
