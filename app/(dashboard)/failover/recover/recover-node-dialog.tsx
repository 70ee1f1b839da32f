"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { LifeBuoy } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { recoveryCommands } from "@/lib/failover/recovery-commands";
import { nodeRecoveryQuery } from "@/lib/failover/recovery-query";
import { sendJson } from "@/lib/http/fetch-json";
import { Checklist } from "../operations/checklist";
import { CopyCommands } from "../operations/copy-commands";
import { GuestReasonList } from "../operations/guest-reason-list";
import { ParallelismField, validParallelism } from "../operations/parallelism-field";
import { PreflightStatus } from "../operations/preflight-status";
import { FencingConfirm } from "./fencing-confirm";
import { DataLossLine, HowItMoves, QuorumWayOut, RecoveryConfirm } from "./recovery-parts";

/** "Recover everything from pve1": HA's guests followed, the others with a replica recovered, the rest listed. */
export function RecoverNodeDialog({ clusterId, node }: { clusterId: string; node: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [parallelism, setParallelism] = useState("2");
  const plan = useQuery({ ...nodeRecoveryQuery(clusterId, node), enabled: open });
  const start = useMutation({
    mutationFn: () => sendJson<{ id: string }>("/api/failover/operations", "POST", { kind: "node-recovery", clusterId, node, parallelism: Number(parallelism), confirmNode: typed }),
    onSuccess: ({ id }) => router.push(`/failover/operations/${id}`),
  });
  const data = plan.data;
  const recover = data?.guests.filter((g) => g.action === "recover") ?? [];
  const followed = data?.guests.filter((g) => g.action === "ha") ?? [];
  const none = data?.guests.filter((g) => g.action === "none") ?? [];
  const nodeOk = data ? data.nodeChecks.every((c) => c.result !== "fail") : false;
  const validN = validParallelism(parallelism);
  const canStart = nodeOk && recover.length + followed.length > 0;
  return (
    <Dialog open={open} onOpenChange={(next) => { setOpen(next); setTyped(""); start.reset(); }}>
      <DialogTrigger asChild>
        <Button size="sm">
          <LifeBuoy aria-hidden /> Recover everything from {node}…
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[90dvh] overflow-y-auto sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>Recover everything from {node}</DialogTitle>
          <DialogDescription>
            HA-managed guests are HA&apos;s to recover: followed, never moved by hand. Guests with a replica are recovered in their startup order, a few at a time. Guests without one are listed with the reason.
          </DialogDescription>
        </DialogHeader>
        <PreflightStatus isLoading={plan.isLoading} error={plan.error} />
        {data && (
          <div className="grid gap-4">
            <Checklist checks={data.nodeChecks} />
            {data.quorum && <QuorumWayOut quorum={data.quorum} />}
            <section className="grid gap-2">
              <h3 className="font-medium">Recovered by pve-standby ({recover.length})</h3>
              {recover.length === 0 && <p className="text-sm">None.</p>}
              <ol className="grid gap-2">
                {recover.map((g, i) => (
                  <li key={g.vmid} className="grid gap-1 rounded-md border p-3" data-testid="node-recovery-guest">
                    <span className="font-medium">
                      {i + 1}. {g.vmid}
                      {g.name && ` (${g.name})`} → {g.target}
                      {g.startupOrder !== null && <span className="text-muted-foreground text-xs"> · startup order {g.startupOrder}</span>}
                      {!g.wasRunning && <span className="text-muted-foreground text-xs"> · was stopped, stays stopped</span>}
                    </span>
                    <DataLossLine loss={g.dataLoss} />
                    {!data.hasCredential && g.plan && (
                      <details>
                        <summary className="cursor-pointer text-sm">Commands you will run</summary>
                        <CopyCommands commands={recoveryCommands(g.plan)} />
                      </details>
                    )}
                  </li>
                ))}
              </ol>
            </section>
            {followed.length > 0 && <GuestReasonList title="Recovered by HA, followed" guests={followed} />}
            <GuestReasonList
              title="Not recoverable"
              guests={none.map((g) => ({ ...g, extra: <DataLossLine loss={g.dataLoss} /> }))}
              emptyText={`Every guest of ${node} can come back.`}
              testId="node-recovery-not-recoverable"
            />
            {recover[0]?.target && <HowItMoves hasCredential={data.hasCredential} target="each guest's target" />}
            <ParallelismField id="recover-parallelism" value={parallelism} onChange={setParallelism} />
            {canStart && <FencingConfirm node={node} value={typed} onChange={setTyped} />}
          </div>
        )}
        <RecoveryConfirm
          error={start.error}
          onCancel={() => setOpen(false)}
          blocked={!canStart || !validN || typed.trim() !== node}
          pending={start.isPending}
          confirmLabel={`Recover from ${node}`}
          onConfirm={() => start.mutate()}
        />
      </DialogContent>
    </Dialog>
  );
}
