"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, AlertDescription } from "@/components/ui/alert";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import type { ClusterSummary } from "@/lib/clusters/queries";
import { sendJson } from "@/lib/http/fetch-json";
import { clusterKeys } from "@/lib/query/clusters";

const CHOICES = [
  {
    keepHistory: true,
    title: "Keep history",
    text: "Stops polling and deletes the stored credential. Replication jobs, runs and lag history stay readable; the cluster is listed as removed.",
  },
  {
    keepHistory: false,
    title: "Delete history too",
    text: "Deletes the cluster with its nodes, guests, replication jobs, runs and lag history from pve-standby. The audit trail stays.",
  },
] as const;

/** Remove asks what happens to the history; Proxmox itself is never changed by this. */
export function RemoveClusterDialog({ cluster }: { cluster: ClusterSummary }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  // A cluster already removed with its history kept can only have that history deleted now.
  const [keepHistory, setKeepHistory] = useState(!cluster.removed);
  const mutation = useMutation({
    mutationFn: () => sendJson(`/api/clusters/${cluster.id}`, "DELETE", { keepHistory }),
    onSuccess: async () => {
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: clusterKeys.all });
      router.refresh();
    },
  });

  return (
    <AlertDialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) return;
        mutation.reset();
        setKeepHistory(!cluster.removed);
      }}
    >
      <AlertDialogTrigger asChild>
        <Button variant="outline" size="sm" className="text-destructive" aria-label={`${cluster.removed ? "Delete history of" : "Remove"} ${cluster.name}`}>
          {cluster.removed ? "Delete history" : "Remove"}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>{cluster.removed ? `Delete the history of ${cluster.name}?` : `Remove ${cluster.name}?`}</AlertDialogTitle>
          <AlertDialogDescription>
            {cluster.removed ? "Its credential is already gone; this also deletes what pve-standby recorded about it." : "pve-standby stops reading this cluster."} Nothing
            changes on Proxmox itself.
          </AlertDialogDescription>
        </AlertDialogHeader>
        <fieldset className="grid gap-2">
          <legend className="mb-1 text-sm font-medium">History</legend>
          {CHOICES.filter((c) => !(cluster.removed && c.keepHistory)).map((choice) => (
            <label
              key={String(choice.keepHistory)}
              className="has-[:checked]:border-primary has-[:focus-visible]:ring-ring/50 flex cursor-pointer gap-3 rounded-md border p-3 text-sm has-[:focus-visible]:ring-[3px]"
            >
              <input
                type="radio"
                name={`history-${cluster.id}`}
                className="accent-primary mt-0.5 size-4"
                checked={keepHistory === choice.keepHistory}
                onChange={() => setKeepHistory(choice.keepHistory)}
              />
              <span className="grid gap-0.5">
                <span className="font-medium">{choice.title}</span>
                <span className="text-muted-foreground">{choice.text}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {mutation.error && (
          <Alert variant="destructive">
            <AlertDescription>{mutation.error.message}</AlertDescription>
          </Alert>
        )}
        <AlertDialogFooter>
          <AlertDialogCancel disabled={mutation.isPending}>Cancel</AlertDialogCancel>
          <Button variant="destructive" disabled={mutation.isPending} onClick={() => mutation.mutate()}>
            {mutation.isPending ? "Removing…" : keepHistory ? "Remove, keep history" : "Remove with history"}
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
