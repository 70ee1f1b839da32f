"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { ChevronLeft, FileText } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { PageSkeleton } from "@/components/page-skeleton";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { operationQuery } from "@/lib/failover/query";
import type { OperationView as OperationViewData, StepView } from "@/lib/failover/queries";
import { OperationStateBadge, utc } from "../operation-state";
import { groupByGuest } from "../group-by-guest";
import { OperationControls } from "./operation-controls";
import { ReversedJobs } from "./reversed-jobs";
import { StartOffer } from "./start-offer";
import { StepList } from "./step-list";

export function OperationView({ operationId, canExecute, canRunJobs }: { operationId: string; canExecute: boolean; canRunJobs: boolean }) {
  const { data, error } = useQuery(operationQuery(operationId));
  if (!data) return error ? <Alert variant="destructive"><AlertDescription>{error.message}</AlertDescription></Alert> : <PageSkeleton rows={4} />;
  const lanes = groupByGuest(data);
  return (
    <div className="flex flex-col gap-6">
      <Link href="/failover" className="text-muted-foreground hover:text-foreground inline-flex w-fit items-center gap-1 text-sm">
        <ChevronLeft className="size-4" aria-hidden /> Failover
      </Link>
      <PageHeader
        title={data.title}
        description={`${data.clusterName} · started by ${data.createdByLabel} at ${utc(data.createdAt)}${data.endedAt ? ` · ended ${utc(data.endedAt)}` : ""}`}
        actions={
          <Button variant="outline" asChild>
            <Link href={`/failover/operations/${data.id}/report`}>
              <FileText aria-hidden /> Report
            </Link>
          </Button>
        }
      />
      {error && (
        <Alert variant="destructive">
          <AlertDescription>Showing the last state received. {error.message}</AlertDescription>
        </Alert>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <OperationStateBadge state={data.state} />
        {(data.kind === "evacuation" || data.kind === "node-recovery") && <span className="text-muted-foreground text-sm">{data.parallelism} guest(s) at a time, in startup order</span>}
      </div>
      {data.summary && (
        <Alert variant={data.state === "failed" ? "destructive" : "default"} data-testid="operation-summary">
          <AlertDescription>{data.summary}</AlertDescription>
        </Alert>
      )}
      <OperationControls view={data} canExecute={canExecute} />
      {data.plan.leftAlone.length > 0 && (
        <Card>
          <CardHeader>
            <CardTitle>{data.kind === "node-recovery" ? `Not recoverable from ${data.sourceNode}` : `Left alone on ${data.sourceNode}`}</CardTitle>
          </CardHeader>
          <CardContent>
            <ul className="grid gap-2 text-sm" data-testid="left-alone">
              {data.plan.leftAlone.map((l) => (
                <li key={l.vmid}>
                  <span className="font-medium">
                    {l.vmid}
                    {l.name && ` (${l.name})`}
                  </span>
                  : {l.reason}
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      )}
      {lanes.map((lane) => (
        <Card key={lane.vmid}>
          <CardHeader>
            <CardTitle>{lane.label}</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4">
            <LaneOffer view={data} vmid={lane.vmid} steps={lane.steps} canExecute={canExecute} />
            <StepList steps={lane.steps} />
          </CardContent>
        </Card>
      ))}
      {data.reversedJobs.length > 0 && (
        <Card>
          <CardHeader>
            <CardTitle>Replication after the move</CardTitle>
          </CardHeader>
          <CardContent>
            <ReversedJobs jobs={data.reversedJobs} canRunJobs={canRunJobs} />
          </CardContent>
        </Card>
      )}
    </div>
  );
}

function LaneOffer({ view, vmid, steps, canExecute }: { view: OperationViewData; vmid: number; steps: StepView[]; canExecute: boolean }) {
  const step = steps.find((s) => s.offersStart);
  const guest = view.plan.guests.find((g) => g.vmid === vmid);
  if (!step || !guest) return null;
  return <StartOffer view={view} guest={guest} step={step} canExecute={canExecute} />;
}
