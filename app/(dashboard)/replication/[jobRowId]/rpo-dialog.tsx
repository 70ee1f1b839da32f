"use client";

import { useState } from "react";
import { FormAlert, FormField } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { useZodForm } from "@/lib/forms/use-zod-form";
import { useReplicationMutation } from "@/lib/query/use-replication-mutation";
import { setRpoSchema } from "@/lib/replication/job-schemas";

/** The RPO lives in pve-standby only; clearing it returns to the default derived from the schedule. */
export function RpoDialog({ jobRowId, rpoOverride, defaultHint }: { jobRowId: string; rpoOverride: number | null; defaultHint: number }) {
  const [open, setOpen] = useState(false);
  const [minutes, setMinutes] = useState(String(Math.round((rpoOverride ?? defaultHint) / 60)));
  const form = useZodForm(setRpoSchema);
  const mutation = useReplicationMutation((_: { rpoSeconds: number | null }) => ({ url: `/api/replication/${jobRowId}/rpo`, method: "PUT" }), { onSuccess: () => setOpen(false) });

  function save(rpoSeconds: number | null) {
    const data = form.validate({ rpoSeconds });
    if (data) mutation.mutate(data, { onError: form.showApiError });
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="link" size="sm" className="h-auto p-0 text-xs">
          Change RPO
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form
          noValidate
          className="grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            save(minutes.trim() === "" ? null : Math.round(Number(minutes) * 60));
          }}
        >
          <DialogHeader>
            <DialogTitle>Recovery point objective</DialogTitle>
            <DialogDescription>
              How old the replica may get before this job counts as late. Proxmox has no such setting: it is stored in pve-standby and drives the
              status, the chart and alerts.
            </DialogDescription>
          </DialogHeader>
          <FormAlert message={form.errors._form} />
          <FormField label="RPO in minutes" error={form.errors.rpoSeconds} hint="Leave empty to use the default derived from the schedule.">
            {(p) => <Input {...p} inputMode="numeric" value={minutes} onChange={(e) => setMinutes(e.target.value)} />}
          </FormField>
          <DialogFooter className="gap-2">
            {rpoOverride !== null && (
              <Button type="button" variant="outline" disabled={mutation.isPending} onClick={() => save(null)}>
                Use the default
              </Button>
            )}
            <Button type="submit" disabled={mutation.isPending}>
              {mutation.isPending ? "Saving…" : "Save RPO"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
