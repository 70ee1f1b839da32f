"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { ChevronLeft } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { PageSkeleton } from "@/components/page-skeleton";
import { ReplicationJobsTable } from "@/components/replication-jobs-table";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { guestReplicationQuery } from "@/lib/query/replication";
import { AddJobDialog } from "./add-job-dialog";
import { GuestHistory } from "./guest-history";
import { GuestSummary } from "./guest-summary";
import { ReadinessPanel } from "./readiness-panel";
import { SwitchOverDialog } from "./switch-over-dialog";

export function GuestView({ clusterId, vmid, canManage, canFailover = false }: { clusterId: string; vmid: number; canManage: boolean; canFailover?: boolean }) {
  const { data, error } = useQuery(guestReplicationQuery(clusterId, vmid));
  if (!data) return error ? <ErrorAlert message={error.message} /> : <PageSkeleton rows={3} />;
  const { guest } = data;
  const title = guest.name ? `${guest.name} (${vmid})` : `Guest ${vmid}`;
  const addJob = canManage && !guest.goneAt ? <AddJobDialog clusterId={clusterId} vmid={vmid} guestName={title} /> : undefined;
  const switchOver = canFailover && !guest.goneAt && data.jobs.length > 0 ? <SwitchOverDialog clusterId={clusterId} vmid={vmid} guestName={title} /> : undefined;
  return (
    <div className="flex flex-col gap-6">
      <Link href={`/clusters/${clusterId}`} className="text-muted-foreground hover:text-foreground inline-flex w-fit items-center gap-1 text-sm">
        <ChevronLeft className="size-4" aria-hidden /> {data.cluster.name}
      </Link>
      <PageHeader title={title} description={`${guest.type === "lxc" ? "Container" : "Virtual machine"} on ${guest.node ?? "an unknown node"} in ${data.cluster.name}`} actions={(addJob || switchOver) && <>{switchOver}{addJob}</>} />
      {error && <ErrorAlert message={`Showing the last data received. ${error.message}`} />}
      {guest.goneAt && (
        <Alert>
          <AlertDescription>This guest no longer exists in the cluster. Its replication history is kept.</AlertDescription>
        </Alert>
      )}
      <Tabs defaultValue="summary" className="gap-4">
        <TabsList>
          <TabsTrigger value="summary">Summary</TabsTrigger>
          <TabsTrigger value="replication">Replication ({data.jobs.length})</TabsTrigger>
          <TabsTrigger value="history">History</TabsTrigger>
        </TabsList>
        <TabsContent value="summary" className="flex flex-col gap-4">
          <GuestSummary detail={data} />
          <ReadinessPanel clusterId={clusterId} vmid={vmid} />
        </TabsContent>
        <TabsContent value="replication">
          {data.jobs.length === 0 ? (
            <p className="text-muted-foreground rounded-lg border border-dashed p-6 text-center text-sm">
              No replication job. {canManage ? "Add one to keep a copy on another node." : "An operator can add one."}
            </p>
          ) : (
            <ReplicationJobsTable jobs={data.jobs} showCluster={false} byTarget />
          )}
        </TabsContent>
        <TabsContent value="history">
          <GuestHistory runs={data.runs} goneJobs={data.goneJobs} />
        </TabsContent>
      </Tabs>
    </div>
  );
}

function ErrorAlert({ message }: { message: string }) {
  return (
    <Alert variant="destructive">
      <AlertDescription>{message}</AlertDescription>
    </Alert>
  );
}
