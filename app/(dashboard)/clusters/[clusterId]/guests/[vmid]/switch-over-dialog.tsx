"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { ArrowRightLeft } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Checklist } from "@/app/(dashboard)/failover/operations/checklist";
import { ConfirmBlock } from "@/app/(dashboard)/failover/operations/confirm-block";
import { preflightQuery } from "@/lib/failover/query";
import { sendJson } from "@/lib/http/fetch-json";

const MODE_TEXT = {
  online: "live migration",
  offline: "offline migration (the guest is stopped)",
  restart: "restart mode: the container is shut down, moved and started again",
  ha: "through HA (ha-manager migrate), followed until HA reports it started",
  recover: "recovered from its dead node",
} as const;

/** "Switch over…": the checklist read live from Proxmox, the downtime, then the operation. */
export function SwitchOverDialog({ clusterId, vmid, guestName }: { clusterId: string; vmid: number; guestName: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState<string | null>(null);
  const [accepted, setAccepted] = useState(false);
  const preflight = useQuery({ ...preflightQuery(clusterId, vmid, target), enabled: open });
  const start = useMutation({
    mutationFn: () => sendJson<{ id: string }>("/api/failover/operations", "POST", { kind: "switchover", clusterId, vmid, target: preflight.data?.target, acceptWarnings: accepted }),
    onSuccess: ({ id }) => router.push(`/failover/operations/${id}`),
  });
  const data = preflight.data;
  const warnings = data?.checks.filter((c) => c.result === "warning").length ?? 0;

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setAccepted(false);
        start.reset();
        if (next) setTarget(null);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline">
          <ArrowRightLeft aria-hidden /> Switch over…
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[90dvh] overflow-y-auto sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>Switch over {guestName}</DialogTitle>
          <DialogDescription>
            A planned move to a node that holds its replica: Proxmox sends the last changes, moves the guest and turns the replication job around.
          </DialogDescription>
        </DialogHeader>
        {preflight.isLoading && <Skeleton className="h-40" />}
        {preflight.error && (
          <Alert variant="destructive">
            <AlertDescription>Could not check with Proxmox: {preflight.error.message}</AlertDescription>
          </Alert>
        )}
        {data && (
          <div className="grid gap-4">
            {data.targets.length > 1 && (
              <div className="grid gap-2">
                <Label htmlFor="switch-target">Target node</Label>
                <Select value={data.target ?? undefined} onValueChange={(v) => setTarget(v)}>
                  <SelectTrigger id="switch-target" className="w-full">
                    <SelectValue placeholder="Choose a node" />
                  </SelectTrigger>
                  <SelectContent>
                    {data.targets.map((t) => (
                      <SelectItem key={t} value={t}>
                        {t}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              </div>
            )}
            {data.plan && (
              <p className="text-sm">
                From <strong>{data.plan.source}</strong> to <strong>{data.plan.target}</strong>, {MODE_TEXT[data.plan.mode]}.
              </p>
            )}
            <Checklist checks={data.checks} />
            {data.downtime && (
              <Alert>
                <AlertDescription>
                  <span className="font-medium">Downtime:</span> {data.downtime}
                </AlertDescription>
              </Alert>
            )}
            {data.verdict === "fail" && <p className="text-status-fail text-sm">A check fails: this switch-over cannot start until it passes.</p>}
          </div>
        )}
        <ConfirmBlock
          id="accept-warnings"
          acceptLabel={warnings > 0 && data?.verdict !== "fail" ? `I have read the ${warnings === 1 ? "warning" : `${warnings} warnings`} and want to switch over anyway.` : null}
          accepted={accepted}
          onAcceptedChange={setAccepted}
          error={start.error}
          onCancel={() => setOpen(false)}
          blocked={!data || data.verdict === "fail" || !data.plan}
          pending={start.isPending}
          confirmLabel={`Switch over to ${data?.target ?? "…"}`}
          onConfirm={() => start.mutate()}
        />
      </DialogContent>
    </Dialog>
  );
}
