"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { Trash2 } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { useReplicationMutation } from "@/lib/query/use-replication-mutation";
import type { JobDetail } from "@/lib/replication/job-queries";
import type { DeleteMode } from "@/lib/replication/job-schemas";
import { cn } from "@/lib/utils";

// Proxmox's DELETE /cluster/replication/{id} and what each choice does (reference §2.3, §3.6).
const CHOICES: { mode: DeleteMode; title: string; text: (target: string) => string }[] = [
  {
    mode: "full",
    title: "Remove the job and the replica",
    text: (t) => `Proxmox deletes the replicated disks on ${t} and the replication snapshots on both sides, then the job. Needs ${t} online.`,
  },
  {
    mode: "keep",
    title: "Remove the job, keep the replica (keep=1)",
    text: (t) => `The disks on ${t} stay as they are (a last copy you can still start from); only the local replication snapshots are removed.`,
  },
  {
    mode: "force",
    title: "Remove the configuration only (force=1)",
    text: () => "The job entry is dropped at once and nothing is cleaned up anywhere. Use it when the target is gone for good; snapshots left behind must be removed by hand.",
  },
];

export function DeleteJobDialog({ job, disabled }: { job: JobDetail["job"]; disabled?: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<DeleteMode>("full");
  const [error, setError] = useState<string | null>(null);
  const mutation = useReplicationMutation((_: { mode: DeleteMode }) => ({ url: `/api/replication/${job.id}`, method: "DELETE" }), {
    onSuccess: () => {
      setOpen(false);
      if (mode === "force") router.push(`/clusters/${job.clusterId}/guests/${job.vmid}`);
    },
  });

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button size="sm" variant="destructive" disabled={disabled}>
          <Trash2 aria-hidden /> Delete
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-lg">
        <DialogHeader>
          <DialogTitle>Delete job {job.jobId}?</DialogTitle>
          <DialogDescription>
            {job.guestName ?? `Guest ${job.vmid}`} stops being replicated to {job.target}. Choose what happens to the data already there.
          </DialogDescription>
        </DialogHeader>
        {error && (
          <Alert variant="destructive">
            <AlertDescription>{error}</AlertDescription>
          </Alert>
        )}
        <fieldset className="grid gap-2">
          <legend className="sr-only">What to remove</legend>
          {CHOICES.map((choice) => (
            <label key={choice.mode} className={cn("hover:bg-accent/50 flex cursor-pointer gap-3 rounded-md border p-3", mode === choice.mode && "border-primary bg-accent/40")}>
              <input type="radio" name="delete-mode" value={choice.mode} checked={mode === choice.mode} onChange={() => setMode(choice.mode)} className="mt-1" />
              <span className="grid gap-0.5">
                <span className="text-sm font-medium">{choice.title}</span>
                <span className="text-muted-foreground text-xs">{choice.text(job.target)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <DialogFooter>
          <Button variant="outline" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button variant="destructive" disabled={mutation.isPending} onClick={() => mutation.mutate({ mode }, { onError: (e) => setError(e.message) })}>
            {mutation.isPending ? "Asking Proxmox…" : "Delete job"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
