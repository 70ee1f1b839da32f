"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { ChevronLeft } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { PageSkeleton } from "@/components/page-skeleton";
import { StatusBadge } from "@/components/status-badge";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { clusterStatus, errorKindTitle } from "@/lib/clusters/cluster-status";
import { clusterReplicationQuery } from "@/lib/query/replication";
import { formatDuration } from "@/lib/replication/format-duration";
import { ClusterGuests } from "./cluster-guests";
import { ClusterReadiness } from "./cluster-readiness";
import { FailbackAutoHoldSection } from "./failback-auto-hold-section";
import { NodeCards } from "./node-cards";
import { PollerHealthPanel } from "./poller-health-panel";
import { RecoveryCredentialSection } from "./recovery-credential-section";

export function ClusterView({ clusterId, canManage = false }: { clusterId: string; canManage?: boolean }) {
  const { data, error } = useQuery(clusterReplicationQuery(clusterId));
  if (!data) return error ? <ErrorAlert message={error.message} /> : <PageSkeleton />;
  const { cluster } = data;
  const status = clusterStatus(cluster);
  const okAgo = cluster.lastPollOkAt ? formatDuration((Date.parse(data.readAt) - Date.parse(cluster.lastPollOkAt)) / 1000) : null;
  return (
    <div className="flex flex-col gap-6">
      <Link href="/clusters" className="text-muted-foreground hover:text-foreground inline-flex w-fit items-center gap-1 text-sm">
        <ChevronLeft className="size-4" aria-hidden /> Clusters
      </Link>
      <PageHeader
        title={cluster.name}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            {cluster.quorate === false ? <StatusBadge status="fail">No quorum</StatusBadge> : cluster.quorate ? <StatusBadge status="ok">Quorate</StatusBadge> : null}
            <StatusBadge status={status.tone}>{status.label}</StatusBadge>
            <span>{okAgo === null ? "Never read successfully" : `Last read ${okAgo} ago`}</span>
            {cluster.pveVersion && <span>· Proxmox VE {cluster.pveVersion}</span>}
          </span>
        }
      />
      {error && <ErrorAlert message={`Showing the last data received. ${error.message}`} />}
      {cluster.lastError && (
        <Alert variant={cluster.lastErrorKind === "partial" ? "default" : "destructive"}>
          <AlertDescription>
            {errorKindTitle(cluster.lastErrorKind)}: {cluster.lastError}
          </AlertDescription>
        </Alert>
      )}
      <PollerHealthPanel clusterId={clusterId} />
      <NodeCards nodes={data.nodes} />
      <ClusterReadiness clusterId={clusterId} />
      <ClusterGuests clusterId={clusterId} guests={data.guests} />
      {canManage && <RecoveryCredentialSection clusterId={clusterId} />}
      {canManage && <FailbackAutoHoldSection clusterId={clusterId} />}
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
