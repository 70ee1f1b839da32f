"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { ChevronLeft } from "lucide-react";
import { JobStatusBadge } from "@/components/job-status-badge";
import { LocalTime } from "@/components/local-time";
import { PageHeader } from "@/components/page-header";
import { PageSkeleton } from "@/components/page-skeleton";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { jobDetailQuery } from "@/lib/query/replication";
import { ATTENTION_STATUSES } from "@/lib/replication/status-display";
import { JobControls } from "./job-controls";
import { JobFacts } from "./job-facts";
import { LiveLog } from "./live-log";
import { LagChart } from "./lag-chart";
import { RunHistory } from "./run-history";

export function JobView({ jobRowId, canManage }: { jobRowId: string; canManage: boolean }) {
  const { data, error } = useQuery(jobDetailQuery(jobRowId));
  if (!data) return error ? <ErrorAlert message={error.message} /> : <PageSkeleton rows={4} />;
  const { job } = data;
  const guest = job.guestName ? `${job.guestName} (${job.vmid})` : `Guest ${job.vmid}`;
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href={`/clusters/${job.clusterId}/guests/${job.vmid}`} className="text-muted-foreground hover:text-foreground inline-flex items-center gap-1 text-sm">
          <ChevronLeft className="size-4" aria-hidden /> {guest} on {job.clusterName}
        </Link>
      </div>
      <PageHeader
        title={`${guest} → ${job.target}`}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            Job {job.jobId} <JobStatusBadge status={job.status} message={job.statusMessage} />
          </span>
        }
        actions={canManage && !job.goneAt ? <JobControls job={job} /> : undefined}
      />
      {error && <ErrorAlert message={`Showing the last data received. ${error.message}`} />}
      {job.goneAt && (
        <Alert>
          <AlertDescription>This job no longer exists in Proxmox (gone since <LocalTime at={Date.parse(job.goneAt) / 1000} />). Its history is kept.</AlertDescription>
        </Alert>
      )}
      {job.statusMessage && ATTENTION_STATUSES.includes(job.status) && (
        // Said in words on the page, not only in the badge's tooltip: the error and when Proxmox retries.
        <Alert variant={job.status === "failing" ? "destructive" : "default"} data-testid="job-status-message">
          <AlertDescription>{job.statusMessage}</AlertDescription>
        </Alert>
      )}
      <JobFacts detail={data} canManage={canManage && !job.goneAt} />
      <LiveLog jobRowId={jobRowId} syncing={job.status === "syncing"} />
      <LagChart jobRowId={jobRowId} />
      <RunHistory jobRowId={jobRowId} runs={data.runs} runCount={data.runCount} />
    </div>
  );
}

function ErrorAlert({ message }: { message: string }) {
  return (
    <Alert variant="destructive">
      <AlertDescription>{message}</AlertDescription>
    </Alert>
  );
}
