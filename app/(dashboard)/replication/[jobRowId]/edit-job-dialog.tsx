"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Pencil } from "lucide-react";
import { JobSettingsFields, parseRate, type JobSettings } from "@/components/job-settings-fields";
import { FormAlert } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { useZodForm } from "@/lib/forms/use-zod-form";
import { jobOptionsQuery } from "@/lib/query/replication";
import { useReplicationMutation } from "@/lib/query/use-replication-mutation";
import type { JobDetail } from "@/lib/replication/job-queries";
import { updateJobSchema, type UpdateJobInput } from "@/lib/replication/job-schemas";

export function EditJobDialog({ job, disabled }: { job: JobDetail["job"]; disabled?: boolean }) {
  const initial: JobSettings = { schedule: job.schedule, rate: job.rate?.toString() ?? "", comment: job.comment ?? "", enabled: !job.disabled };
  const [open, setOpen] = useState(false);
  const [settings, setSettings] = useState(initial);
  const form = useZodForm(updateJobSchema);
  // Only for the owner's time zone in the schedule preview; UTC, said as such, until it is known.
  const options = useQuery({ ...jobOptionsQuery(job.clusterId, job.vmid), enabled: open });
  const zoneUnknown = options.isError ? `Proxmox could not be asked for the node's time zone (${options.error.message})` : "Asking Proxmox for the node's time zone";
  const mutation = useReplicationMutation((_: UpdateJobInput) => ({ url: `/api/replication/${job.id}`, method: "PATCH" }), { onSuccess: () => setOpen(false) });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const data = form.validate({ schedule: settings.schedule, rate: parseRate(settings.rate), comment: settings.comment, enabled: settings.enabled });
    if (data) mutation.mutate(data, { onError: form.showApiError });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (next) setSettings(initial);
        form.clearErrors();
        setOpen(next);
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm" variant="outline" disabled={disabled}>
          <Pencil aria-hidden /> Edit
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-xl">
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Edit job {job.jobId}</DialogTitle>
            <DialogDescription>
              The target ({job.target}) cannot be changed in Proxmox; to replicate elsewhere, add a new job. Changes are sent to Proxmox, which
              checks them again.
            </DialogDescription>
          </DialogHeader>
          <FormAlert message={form.errors._form} />
          <JobSettingsFields value={settings} onChange={setSettings} errors={form.errors} timeZone={options.data?.timeZone ?? null} zoneUnknown={zoneUnknown} />
          <DialogFooter>
            <Button type="submit" disabled={mutation.isPending}>
              {mutation.isPending ? "Saving in Proxmox…" : "Save"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
