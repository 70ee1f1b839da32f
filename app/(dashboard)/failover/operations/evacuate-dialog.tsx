"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { LogOut } from "lucide-react";
import { StatusBadge } from "@/components/status-badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { evacuationQuery } from "@/lib/failover/query";
import { sendJson } from "@/lib/http/fetch-json";
import { CHECK_TONE, Checklist } from "./checklist";
import { ConfirmBlock } from "./confirm-block";
import { GuestReasonList } from "./guest-reason-list";
import { ParallelismField, validParallelism } from "./parallelism-field";
import { PreflightStatus } from "./preflight-status";

/** "Evacuate pve1…": every guest with a replica moves to it, the others are listed and stay. */
export function EvacuateDialog({ clusterId, node }: { clusterId: string; node: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [parallelism, setParallelism] = useState("2");
  const [accepted, setAccepted] = useState(false);
  const plan = useQuery({ ...evacuationQuery(clusterId, node), enabled: open });
  const start = useMutation({
    mutationFn: () => sendJson<{ id: string }>("/api/failover/operations", "POST", { kind: "evacuation", clusterId, node, parallelism: Number(parallelism), acceptWarnings: accepted }),
    onSuccess: ({ id }) => router.push(`/failover/operations/${id}`),
  });
  const guests = plan.data?.guests ?? [];
  const moving = guests.filter((g) => g.preflight?.plan && g.preflight.verdict !== "fail");
  const staying = guests.filter((g) => !moving.includes(g));
  const warnings = moving.some((g) => g.preflight?.verdict === "warning");
  const validN = validParallelism(parallelism);
  return (
    <Dialog open={open} onOpenChange={(next) => { setOpen(next); setAccepted(false); start.reset(); }}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          <LogOut aria-hidden /> Evacuate {node}…
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[90dvh] overflow-y-auto sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>Evacuate {node}</DialogTitle>
          <DialogDescription>
            For maintenance: each guest with a replica moves to its replica&apos;s node, in the guests&apos; startup order. Guests without a replica stay on {node} and are listed below.
          </DialogDescription>
        </DialogHeader>
        <PreflightStatus isLoading={plan.isLoading} error={plan.error} />
        {plan.data && (
          <div className="grid gap-4">
            <section className="grid gap-3">
              <h3 className="font-medium">Moves ({moving.length})</h3>
              {moving.length === 0 && <p className="text-sm">Nothing on {node} can move.</p>}
              <ol className="grid gap-3">
                {moving.map((g, i) => (
                  <li key={g.vmid} className="grid gap-2 rounded-md border p-3" data-testid="evacuation-guest">
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-medium">
                        {i + 1}. {g.vmid}
                        {g.name && ` (${g.name})`} → {g.preflight?.plan?.target}
                      </span>
                      <StatusBadge status={CHECK_TONE[g.preflight?.verdict ?? "fail"]}>{g.preflight?.verdict === "warning" ? "Warnings" : "Ready"}</StatusBadge>
                    </div>
                    {g.preflight?.downtime && <p className="text-muted-foreground text-sm">{g.preflight.downtime}</p>}
                    <details>
                      <summary className="cursor-pointer text-sm">Checks</summary>
                      <div className="pt-2">
                        <Checklist checks={g.preflight?.checks ?? []} />
                      </div>
                    </details>
                  </li>
                ))}
              </ol>
            </section>
            <GuestReasonList
              title="Left alone"
              guests={staying.map((g) => ({
                vmid: g.vmid,
                name: g.name,
                reason: g.reason ?? g.preflight?.checks.filter((c) => c.result === "fail").map((c) => c.message).join(" "),
              }))}
              emptyText={`Every guest on ${node} has a replica.`}
              testId="evacuation-left-alone"
            />
            <ParallelismField id="evacuate-parallelism" value={parallelism} onChange={setParallelism} />
          </div>
        )}
        <ConfirmBlock
          id="evacuate-accept"
          acceptLabel={plan.data && warnings ? "I have read the warnings and want to evacuate anyway." : null}
          accepted={accepted}
          onAcceptedChange={setAccepted}
          error={start.error}
          onCancel={() => setOpen(false)}
          blocked={!plan.data || moving.length === 0 || !validN}
          pending={start.isPending}
          confirmLabel={`Evacuate ${node}`}
          onConfirm={() => start.mutate()}
        />
      </DialogContent>
    </Dialog>
  );
}
