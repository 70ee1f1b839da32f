"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Play } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { failoverKeys } from "@/lib/failover/query";
import type { OperationView, StepView } from "@/lib/failover/queries";
import type { GuestPlan, StartChoice } from "@/lib/failover/types";
import { sendJson } from "@/lib/http/fetch-json";

/**
 * A recovery whose configuration the operator moved by hand: once Proxmox lists the guest on the
 * target, the holder starts it or leaves it stopped. The guest's data-loss window stands next to
 * the button: starting makes that copy the guest's truth.
 */
export function StartOffer({ view, guest, step, canExecute }: { view: OperationView; guest: GuestPlan; step: StepView; canExecute: boolean }) {
  const queryClient = useQueryClient();
  const answer = useMutation({
    mutationFn: (choice: StartChoice) => sendJson<{ message: string }>(`/api/failover/operations/${view.id}/start-choice`, "POST", { vmid: guest.vmid, choice }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: failoverKeys.operation(view.id) }),
  });
  const label = `${guest.type === "lxc" ? "CT" : "VM"} ${guest.vmid}`;
  const loss = view.dataLoss.find((d) => d.vmid === guest.vmid);
  const mayAnswer = view.viewerHolds && canExecute && view.state === "running";
  return (
    <Alert data-testid={`start-offer-${guest.vmid}`}>
      <AlertTitle>{step.message ?? `The configuration of ${label} is on ${guest.target}. Start it now?`}</AlertTitle>
      <AlertDescription className="grid gap-3">
        <p data-testid="start-offer-data-loss">
          {loss ? `Data-loss window: ${loss.text}` : "Data-loss window: not known (the recovery checklist did not state one)."}
        </p>
        <p>{guest.source} is read offline once more right before the start; if it is back, nothing is started.</p>
        {mayAnswer ? (
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => answer.mutate("start")} disabled={answer.isPending}>
              <Play aria-hidden /> Start {label} on {guest.target}
            </Button>
            <Button variant="outline" onClick={() => answer.mutate("leave-stopped")} disabled={answer.isPending}>
              Leave it stopped
            </Button>
          </div>
        ) : (
          <p>
            {view.state === "paused" ? "Resume the operation to answer. " : ""}
            {view.viewerHolds ? "" : `Only ${view.createdByLabel}, who holds this operation, can start it or leave it stopped.`}
          </p>
        )}
        {answer.error && <p className="text-destructive">{answer.error.message}</p>}
        {answer.data && <p>{answer.data.message}</p>}
      </AlertDescription>
    </Alert>
  );
}
