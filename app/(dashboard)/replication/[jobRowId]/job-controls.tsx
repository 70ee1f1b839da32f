"use client";

import { useState } from "react";
import { Pause, Play, Zap } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { JobDetail } from "@/lib/replication/job-queries";
import { useReplicationMutation } from "@/lib/query/use-replication-mutation";
import { DeleteJobDialog } from "./delete-job-dialog";
import { EditJobDialog } from "./edit-job-dialog";

/** Operator actions; each goes to Proxmox first, and the page shows its state after the next poll. */
export function JobControls({ job }: { job: JobDetail["job"] }) {
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const runNow = useReplicationMutation((_: Record<string, never>) => ({ url: `/api/replication/${job.id}/run`, method: "POST" }), {
    onSuccess: () => setNotice({ ok: true, text: `Proxmox will run ${job.jobId} at its next scheduler tick (within a minute).` }),
  });
  const toggle = useReplicationMutation((_: { enabled: boolean }) => ({ url: `/api/replication/${job.id}`, method: "PATCH" }), {
    onSuccess: () => setNotice(null),
  });
  const fail = (e: Error) => setNotice({ ok: false, text: e.message });
  const removing = Boolean(job.removeJob);

  return (
    <div className="flex flex-col items-stretch gap-2 sm:items-end">
      <div className="flex flex-wrap gap-2">
        <Button size="sm" disabled={runNow.isPending || job.disabled || removing} onClick={() => runNow.mutate({}, { onError: fail })}>
          <Zap aria-hidden /> {runNow.isPending ? "Asking Proxmox…" : "Run now"}
        </Button>
        <Button size="sm" variant="outline" disabled={toggle.isPending || removing} onClick={() => toggle.mutate({ enabled: job.disabled }, { onError: fail })}>
          {job.disabled ? <Play aria-hidden /> : <Pause aria-hidden />} {job.disabled ? "Enable" : "Disable"}
        </Button>
        <EditJobDialog job={job} disabled={removing} />
        <DeleteJobDialog job={job} disabled={removing} />
      </div>
      {notice && (
        <Alert variant={notice.ok ? "default" : "destructive"} role="status" className="max-w-md">
          <AlertDescription>{notice.text}</AlertDescription>
        </Alert>
      )}
    </div>
  );
}
