"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Hand } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Switch } from "@/components/ui/switch";
import { fetchJson, sendJson } from "@/lib/http/fetch-json";

const key = (clusterId: string) => ["clusters", clusterId, "failback-auto-hold"] as const;
type Setting = { failbackAutoHold: boolean };

/** Admins only: whether pve-standby holds replication back to a dead node by itself (audited as a cluster change). */
export function FailbackAutoHoldSection({ clusterId }: { clusterId: string }) {
  const url = `/api/clusters/${encodeURIComponent(clusterId)}/failback-auto-hold`;
  const queryClient = useQueryClient();
  const view = useQuery({ queryKey: key(clusterId), queryFn: () => fetchJson<Setting>(url) });
  const save = useMutation({
    mutationFn: (failbackAutoHold: boolean) => sendJson<Setting>(url, "PUT", { failbackAutoHold }),
    onSuccess: (data) => queryClient.setQueryData(key(clusterId), { failbackAutoHold: data.failbackAutoHold }),
  });
  return (
    <Card className="py-4" data-testid="failback-auto-hold-setting">
      <CardHeader className="px-4">
        <CardTitle className="flex items-center gap-2 text-base">
          <Hand className="size-4" aria-hidden /> Failback
        </CardTitle>
        <CardDescription>
          When a node dies and its guests run elsewhere, the replication jobs Proxmox turned around point back at it. The moment it rejoins, their next run (<code>zfs recv -F</code>) discards what it wrote
          after its last sync, within a minute, before anyone can react. With this on, pve-standby disables those jobs (and HA&apos;s failback to that node) as soon as it sees a guest running elsewhere, and the
          Failover page waits for a person to keep or discard the old node&apos;s writes.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-2 px-4">
        {view.isLoading && <Skeleton className="h-6 w-80" />}
        {view.error && (
          <Alert variant="destructive">
            <AlertDescription>{view.error.message}</AlertDescription>
          </Alert>
        )}
        {view.data && (
          <div className="flex items-center gap-3">
            <Switch
              id="failback-auto-hold"
              checked={view.data.failbackAutoHold}
              disabled={save.isPending}
              onCheckedChange={(checked) => save.mutate(checked)}
              data-testid="failback-auto-hold-switch"
            />
            <Label htmlFor="failback-auto-hold">Hold replication back to a recovered node automatically</Label>
          </div>
        )}
        {save.error && (
          <Alert variant="destructive">
            <AlertDescription>{save.error.message}</AlertDescription>
          </Alert>
        )}
      </CardContent>
    </Card>
  );
}
