"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { operationsQuery } from "@/lib/failover/query";
import { EvacuateDialog } from "./operations/evacuate-dialog";
import { OperationStateBadge, utc } from "./operations/operation-state";

/** Current and recent failover operations, and (for operators) the nodes one may evacuate. */
export function OperationsList({ canExecute }: { canExecute: boolean }) {
  const { data, error, isLoading } = useQuery(operationsQuery());
  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>Operations</CardTitle>
          <CardDescription>Switch-overs, evacuations and recoveries from dead nodes, running first. Each runs on the server: closing this page does not stop it.</CardDescription>
        </CardHeader>
        <CardContent>
          {isLoading && <Skeleton className="h-20" />}
          {error && (
            <Alert variant="destructive">
              <AlertDescription>Could not load the operations: {error.message}</AlertDescription>
            </Alert>
          )}
          {data && data.operations.length === 0 && (
            <p className="text-muted-foreground text-sm">
              No failover operation has run yet. {canExecute ? "Start one from a guest's page (Switch over…) or evacuate a node below." : "An operator can start one."}
            </p>
          )}
          {data && data.operations.length > 0 && (
            <ul className="divide-y" data-testid="operations-list">
              {data.operations.map((op) => (
                <li key={op.id} className="flex flex-col gap-1 py-3 sm:flex-row sm:items-center sm:justify-between">
                  <div className="grid gap-1">
                    <Link href={`/failover/operations/${op.id}`} className="font-medium underline-offset-2 hover:underline">
                      {op.title}
                    </Link>
                    <p className="text-muted-foreground text-xs">
                      {op.clusterName} · {op.createdByLabel} · {utc(op.createdAt)} · {op.stepsDone}/{op.stepsTotal} steps
                    </p>
                    {op.summary && <p className="text-sm">{op.summary}</p>}
                  </div>
                  <OperationStateBadge state={op.state} />
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
      {canExecute && data && data.clusters.length > 0 && (
        <Card>
          <CardHeader>
            <CardTitle>Maintenance</CardTitle>
            <CardDescription>Evacuate a node before taking it down: its replicated guests move to their replicas, one confirmation for all.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            {data.clusters.map((c) => (
              <div key={c.id} className="grid gap-2">
                <p className="text-sm font-medium">{c.name}</p>
                <div className="flex flex-wrap gap-2">
                  {c.nodes.filter((n) => n.online).map((n) => (
                    <EvacuateDialog key={n.name} clusterId={c.id} node={n.name} />
                  ))}
                  {c.nodes.every((n) => !n.online) && <p className="text-muted-foreground text-sm">No node is online as last polled.</p>}
                </div>
              </div>
            ))}
          </CardContent>
        </Card>
      )}
    </div>
  );
}
