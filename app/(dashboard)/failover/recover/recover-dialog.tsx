"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { LifeBuoy } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { recoveryPreflightQuery } from "@/lib/failover/recovery-query";
import { sendJson } from "@/lib/http/fetch-json";
import { Checklist } from "../operations/checklist";
import { CopyCommands } from "../operations/copy-commands";
import { PreflightStatus } from "../operations/preflight-status";
import { DataLossLine, HowItMoves, QuorumWayOut, RecoveryConfirm } from "./recovery-parts";
import { FencingConfirm } from "./fencing-confirm";

/** "Recover…": one non-HA guest of a dead node onto the node holding its replica. */
export function RecoverDialog({ clusterId, node, vmid, name }: { clusterId: string; node: string; vmid: number; name: string | null }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const pre = useQuery({ ...recoveryPreflightQuery(clusterId, vmid, node), enabled: open });
  const start = useMutation({
    mutationFn: () => sendJson<{ id: string }>("/api/failover/operations", "POST", { kind: "recovery", clusterId, vmid, node, target: pre.data?.plan?.target, confirmNode: typed }),
    onSuccess: ({ id }) => router.push(`/failover/operations/${id}`),
  });
  const data = pre.data;
  const ready = data && data.verdict !== "fail" && data.plan;
  return (
    <Dialog open={open} onOpenChange={(next) => { setOpen(next); setTyped(""); start.reset(); }}>
      <DialogTrigger asChild>
        <Button size="sm">
          <LifeBuoy aria-hidden /> Recover…
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[90dvh] overflow-y-auto sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>
            Recover {name ?? `guest ${vmid}`} ({vmid}) from {node}
          </DialogTitle>
          <DialogDescription>
            Proxmox&apos;s procedure for a dead node (its manual, &quot;Recovering guests from failed nodes&quot;): move the guest&apos;s configuration to a node holding its replica, then start it there. pve-standby checks first and re-checks that {node} is still offline right before the move and right before the start.
          </DialogDescription>
        </DialogHeader>
        <PreflightStatus isLoading={pre.isLoading} error={pre.error} />
        {data && (
          <div className="grid gap-4">
            {data.plan && (
              <p className="text-sm">
                From <strong>{node}</strong> to <strong>{data.plan.target}</strong>
                {data.plan.running ? ", then started there" : "; it was stopped and stays stopped"}.
              </p>
            )}
            <DataLossLine loss={data.dataLoss} />
            <Checklist checks={data.checks} />
            {data.quorum && <QuorumWayOut quorum={data.quorum} />}
            {ready && data.plan && <HowItMoves hasCredential={data.hasCredential} target={data.plan.target} />}
            {ready && !data.hasCredential && data.commands && <CopyCommands commands={data.commands} label={`You will run on ${data.plan?.target}`} />}
            {ready && <FencingConfirm node={node} value={typed} onChange={setTyped} />}
          </div>
        )}
        <RecoveryConfirm
          error={start.error}
          onCancel={() => setOpen(false)}
          blocked={!ready || typed.trim() !== node}
          pending={start.isPending}
          confirmLabel={`Recover on ${data?.plan?.target ?? "…"}`}
          onConfirm={() => start.mutate()}
        />
      </DialogContent>
    </Dialog>
  );
}
