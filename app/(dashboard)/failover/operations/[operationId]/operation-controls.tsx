"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Pause, Play, Square } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import {
  AlertDialog, AlertDialogAction, AlertDialogCancel, AlertDialogContent, AlertDialogDescription, AlertDialogFooter, AlertDialogHeader, AlertDialogTitle, AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { failoverKeys } from "@/lib/failover/query";
import type { OperationView } from "@/lib/failover/queries";
import { sendJson } from "@/lib/http/fetch-json";
import { utc } from "../operation-state";

/** Pause, resume, abandon for the operator who holds the operation; who holds it for everyone else. */
export function OperationControls({ view, canExecute }: { view: OperationView; canExecute: boolean }) {
  const queryClient = useQueryClient();
  const control = useMutation({
    mutationFn: (action: "pause" | "resume" | "abandon") => sendJson<{ message: string }>(`/api/failover/operations/${view.id}/${action}`, "POST", {}),
    onSettled: () => queryClient.invalidateQueries({ queryKey: failoverKeys.operation(view.id) }),
  });
  const active = view.state === "running" || view.state === "paused";
  if (!active) return null;
  const holder = (
    <p className="text-muted-foreground text-sm" data-testid="operation-holder">
      Held by <strong className="text-foreground">{view.createdByLabel}</strong> since {utc(view.createdAt)}
      {view.locks.length > 0 && ` (guests ${view.locks.map((l) => l.vmid).join(", ")})`}.
    </p>
  );
  if (!view.viewerHolds || !canExecute) {
    return (
      <div className="grid gap-2">
        {holder}
        <p className="text-sm">You can watch this operation; only {view.createdByLabel} can pause or abandon it.</p>
      </div>
    );
  }
  const waiting = view.abandonRequested ? "Abandoning after the step in flight." : view.pauseRequested ? "Pausing after the step in flight." : null;
  return (
    <div className="grid gap-3">
      {holder}
      <div className="flex flex-wrap gap-2">
        {view.state === "paused" ? (
          <Button onClick={() => control.mutate("resume")} disabled={control.isPending}>
            <Play aria-hidden /> Resume
          </Button>
        ) : (
          <Button variant="outline" onClick={() => control.mutate("pause")} disabled={control.isPending || view.pauseRequested || view.abandonRequested}>
            <Pause aria-hidden /> Pause
          </Button>
        )}
        <AlertDialog>
          <AlertDialogTrigger asChild>
            <Button variant="destructive" disabled={control.isPending || view.abandonRequested}>
              <Square aria-hidden /> Abandon…
            </Button>
          </AlertDialogTrigger>
          <AlertDialogContent>
            <AlertDialogHeader>
              <AlertDialogTitle>Abandon this operation?</AlertDialogTitle>
              <AlertDialogDescription>
                The step in flight finishes first; no further step runs. Nothing is undone: a guest that already moved stays where it is now. The guests are released for other operations.
              </AlertDialogDescription>
            </AlertDialogHeader>
            <AlertDialogFooter>
              <AlertDialogCancel>Keep going</AlertDialogCancel>
              <AlertDialogAction onClick={() => control.mutate("abandon")}>Abandon</AlertDialogAction>
            </AlertDialogFooter>
          </AlertDialogContent>
        </AlertDialog>
      </div>
      {waiting && <p className="text-sm">{waiting}</p>}
      {control.error && (
        <Alert variant="destructive">
          <AlertDescription>{control.error.message}</AlertDescription>
        </Alert>
      )}
    </div>
  );
}
