"use client";

import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ShieldAlert, TriangleAlert } from "lucide-react";
import { StatusBadge } from "@/components/status-badge";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { clusterStatus, errorKindTitle } from "@/lib/clusters/cluster-status";
import type { ClusterSummary } from "@/lib/clusters/queries";
import { formatEndpoint } from "@/lib/clusters/schemas";
import { sendJson } from "@/lib/http/fetch-json";
import { ClusterWizard } from "./cluster-wizard";
import { clusterKeys } from "@/lib/query/clusters";
import { RemoveClusterDialog } from "./remove-cluster-dialog";

export function ClusterCard({ cluster, canManage }: { cluster: ClusterSummary; canManage: boolean }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const toggle = useMutation({
    mutationFn: () => sendJson(`/api/clusters/${cluster.id}/enabled`, "PUT", { enabled: !cluster.enabled }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: clusterKeys.all });
      router.refresh();
    },
  });
  const online = cluster.nodes.filter((n) => n.online).length;
  const lastKnown = cluster.removed || !cluster.enabled ? " (last known)" : "";
  const headingId = `cluster-${cluster.id}`;

  return (
    <Card aria-labelledby={headingId} role="region">
      <CardHeader>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <CardTitle>
            <h2 id={headingId} className="text-lg">
              <Link href={`/clusters/${cluster.id}`} className="underline-offset-4 hover:underline">
                {cluster.name}
              </Link>
            </h2>
          </CardTitle>
          <ClusterStatus cluster={cluster} />
        </div>
        <CardDescription>
          <ul className="flex flex-wrap gap-x-3 font-mono" aria-label="Node addresses">
            {cluster.endpoints.map((e) => (
              <li key={formatEndpoint(e)} className="wrap-anywhere">
                {formatEndpoint(e)}
              </li>
            ))}
          </ul>
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {cluster.removed ? (
          <Alert role="status">
            <AlertTitle>Removed, history kept</AlertTitle>
            <AlertDescription>Its credential was deleted and it is no longer polled. Its replication history stays readable.</AlertDescription>
          </Alert>
        ) : (
          cluster.enabled && cluster.lastError && <PollError cluster={cluster} canManage={canManage} onReview={() => setEditing(true)} />
        )}
        <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-3 lg:grid-cols-6">
          <Fact label="Proxmox VE">{cluster.pveVersion ?? "—"}</Fact>
          <Fact label="Quorum">
            {cluster.quorate === null ? "—" : cluster.quorate ? `Quorate${lastKnown}` : <span className="text-status-fail font-medium">Not quorate{lastKnown}</span>}
          </Fact>
          <Fact label="Nodes">{cluster.nodes.length === 0 ? "—" : `${online} of ${cluster.nodes.length} online${lastKnown}`}</Fact>
          <Fact label="Last poll">{formatTime(cluster.lastPollAt)}</Fact>
          <Fact label={cluster.authKind === "token" ? "API token" : "User (password)"}>
            <span className="font-mono text-xs break-all">{cluster.principal}</span>
          </Fact>
          <Fact label="Trust">{cluster.trust.kind === "ca" ? "Cluster CA" : `${cluster.trust.fingerprints.length} pinned certificate(s)`}</Fact>
        </dl>
      </CardContent>
      {canManage && (
        <CardFooter className="flex flex-wrap justify-end gap-2">
          {toggle.error && <p className="text-destructive mr-auto text-xs" role="alert">{toggle.error.message}</p>}
          <Button variant="outline" size="sm" onClick={() => setEditing(true)} aria-label={`Edit ${cluster.name}`}>
            {cluster.removed ? "Reconnect" : "Edit"}
          </Button>
          {!cluster.removed && (
            <Button variant="outline" size="sm" disabled={toggle.isPending} onClick={() => toggle.mutate()} aria-label={`${cluster.enabled ? "Disable" : "Enable"} ${cluster.name}`}>
              {cluster.enabled ? "Disable" : "Enable"}
            </Button>
          )}
          <RemoveClusterDialog cluster={cluster} />
          <ClusterWizard cluster={cluster} open={editing} onOpenChange={setEditing} />
        </CardFooter>
      )}
    </Card>
  );
}

function ClusterStatus({ cluster }: { cluster: ClusterSummary }) {
  const { tone, label } = clusterStatus(cluster);
  return <StatusBadge status={tone}>{label}</StatusBadge>;
}

/** A certificate error is the loudest thing on the page: the connection stays stopped until an admin re-pins. */
function PollError({ cluster, canManage, onReview }: { cluster: ClusterSummary; canManage: boolean; onReview: () => void }) {
  const certificate = cluster.lastErrorKind === "certificate";
  const title = errorKindTitle(cluster.lastErrorKind);
  return (
    <Alert variant={certificate ? "destructive" : "warning"} className={certificate ? "border-destructive border-2" : undefined}>
      {certificate ? <ShieldAlert aria-hidden /> : <TriangleAlert aria-hidden />}
      <AlertTitle className="line-clamp-none">{title}</AlertTitle>
      <AlertDescription>
        <p className="wrap-anywhere">{cluster.lastError}</p>
        {certificate && (
          <p>
            pve-standby will not talk to this cluster until the new certificate is checked and pinned.
            {!canManage && " Ask an admin."}
          </p>
        )}
        {certificate && canManage && (
          <Button size="sm" variant="destructive" className="mt-1" onClick={onReview}>
            Review certificate
          </Button>
        )}
      </AlertDescription>
    </Alert>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-muted-foreground text-xs">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

// UTC on purpose: the card renders on the server and in the browser, and both must agree.
function formatTime(iso: string | null): React.ReactNode {
  if (!iso) return "Never";
  return <time dateTime={iso}>{iso.slice(0, 16).replace("T", " ")} UTC</time>;
}
