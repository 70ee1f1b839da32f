"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { FormAlert, FormField } from "@/components/form-field";
import { JobSettingsFields, parseRate, type JobSettings } from "@/components/job-settings-fields";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { useZodForm } from "@/lib/forms/use-zod-form";
import { jobOptionsQuery } from "@/lib/query/replication";
import { useReplicationMutation } from "@/lib/query/use-replication-mutation";
import { createJobSchema, type CreateJobInput } from "@/lib/replication/job-schemas";

const EMPTY: JobSettings = { schedule: "*/15", rate: "", comment: "", enabled: true };

export function AddJobDialog({ clusterId, vmid, guestName }: { clusterId: string; vmid: number; guestName: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState("");
  const [settings, setSettings] = useState(EMPTY);
  const [rpoMinutes, setRpoMinutes] = useState("");
  const form = useZodForm(createJobSchema);
  const options = useQuery({ ...jobOptionsQuery(clusterId, vmid), enabled: open });
  const mutation = useReplicationMutation((_: CreateJobInput) => ({ url: "/api/replication", method: "POST" }), {
    onSuccess: (result) => {
      setOpen(false);
      router.push(`/replication/${(result as { jobRowId: string }).jobRowId}`);
    },
  });
  const eligible = options.data?.targets.filter((t) => t.eligible) ?? [];

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input = {
      clusterId,
      vmid,
      target,
      schedule: settings.schedule,
      rate: parseRate(settings.rate),
      comment: settings.comment,
      enabled: settings.enabled,
      rpoSeconds: rpoMinutes.trim() === "" ? null : Math.round(Number(rpoMinutes) * 60),
    };
    const data = form.validate(input);
    if (data) mutation.mutate(data, { onError: form.showApiError });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        form.clearErrors();
        if (next) {
          setSettings(EMPTY);
          setTarget("");
          setRpoMinutes("");
        }
        setOpen(next);
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden /> Add replication job
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[90dvh] overflow-y-auto sm:max-w-xl">
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Replicate {guestName}</DialogTitle>
            <DialogDescription>
              Proxmox copies the guest&apos;s ZFS disks to the target on this schedule; the first run is a full sync within a minute.
            </DialogDescription>
          </DialogHeader>
          <FormAlert message={form.errors._form} />
          {options.error && (
            <Alert variant="destructive">
              <AlertDescription>Could not ask Proxmox which nodes can take a replica: {options.error.message}</AlertDescription>
            </Alert>
          )}
          {options.isLoading && <Skeleton className="h-16" />}
          {options.data && (
            <>
              {options.data.noReplicableDisks && (
                <Alert>
                  <AlertDescription>This guest has no disk on a local ZFS storage, so Proxmox has nothing to replicate.</AlertDescription>
                </Alert>
              )}
              <FormField
                label="Target node"
                error={form.errors.target}
                hint={`The guest runs on ${options.data.owner}.${options.data.guestStorages.length ? ` The target needs ZFS storage ${options.data.guestStorages.join(", ")}.` : ""}`}
              >
                {(p) => (
                  <Select value={target} onValueChange={setTarget}>
                    <SelectTrigger {...p} className="w-full">
                      <SelectValue placeholder={eligible.length ? "Choose a node" : "No node can take a replica"} />
                    </SelectTrigger>
                    <SelectContent>
                      {options.data.targets.map((t) => (
                        <SelectItem key={t.node} value={t.node} disabled={!t.eligible}>
                          {t.node}
                          {!t.online && " (offline)"}
                          {t.reason && <span className="text-muted-foreground"> – {t.reason}</span>}
                        </SelectItem>
                      ))}
                    </SelectContent>
                  </Select>
                )}
              </FormField>
              <JobSettingsFields value={settings} onChange={setSettings} errors={form.errors} timeZone={options.data.timeZone} />
              <FormField label="RPO in minutes" error={form.errors.rpoSeconds} hint="Optional. Empty = derived from the schedule. Stored in pve-standby only.">
                {(p) => <Input {...p} inputMode="numeric" value={rpoMinutes} onChange={(e) => setRpoMinutes(e.target.value)} />}
              </FormField>
            </>
          )}
          <DialogFooter>
            <Button type="submit" disabled={mutation.isPending || !options.data || !target}>
              {mutation.isPending ? "Creating in Proxmox…" : "Create job"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
