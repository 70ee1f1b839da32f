"use client";

import { memo } from "react";
import Link from "next/link";
import { ArrowDown, ArrowRight, ArrowUp, ArrowUpDown } from "lucide-react";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { GuestState } from "@/components/guest-state";
import { JobStatusBadge } from "@/components/job-status-badge";
import { LagBar } from "@/components/lag-bar";
import { ScheduleText } from "@/components/schedule-text";
import { formatAgo, formatDateTime, formatSeconds, formatUntil } from "@/lib/replication/format-time";
import type { OverviewSort } from "@/lib/replication/overview-filters";
import type { GuestPresence } from "@/lib/clusters/guest-presence";
import type { JobView } from "@/lib/replication/queries";
import { cn } from "@/lib/utils";

type SortState = { sort: OverviewSort; dir: "asc" | "desc"; onSort: (sort: OverviewSort) => void };

/**
 * Replication jobs as rows; sortable headers when `sorting` is given (the overview). On a
 * guest's page (`byTarget`) the first column names the target instead of the guest. Jobs that carry
 * their guest's presence (the overview) show the guest's state under its name.
 */
export function ReplicationJobsTable({ jobs, showCluster = true, byTarget = false, sorting }: { jobs: TableJob[]; showCluster?: boolean; byTarget?: boolean; sorting?: SortState }) {
  const head = (label: string, sort: OverviewSort | null, className?: string) => (
    <SortableHead label={label} sort={sort} sorting={sorting} className={className} />
  );
  return (
    <div className="overflow-x-auto rounded-lg border">
      <Table>
        <TableHeader>
          <TableRow>
            {showCluster && head("Cluster", "cluster", "hidden lg:table-cell")}
            {head(byTarget ? "Target" : "Guest", byTarget ? null : "guest")}
            <TableHead className="hidden md:table-cell">Source → target</TableHead>
            <TableHead className="hidden xl:table-cell">Schedule</TableHead>
            {head("Last sync", "lastSync", "hidden sm:table-cell")}
            {head("Lag / RPO", "lag")}
            {head("Next sync", "nextSync", "hidden lg:table-cell")}
            {head("Last run", "duration", "hidden xl:table-cell")}
            {head("Fails", "failCount", "hidden md:table-cell")}
            {head("Status", "severity")}
          </TableRow>
        </TableHeader>
        <TableBody>
          {jobs.map((job) => (
            <JobRow key={job.id} job={job} showCluster={showCluster} byTarget={byTarget} />
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

type TableJob = JobView & { guestPresence?: GuestPresence | null };

/**
 * One job's row. Memoised on the job object: a search that narrows the rows on screen
 * (the overview's pre-filter keeps the same objects) re-renders none of the rows that stay.
 */
const JobRow = memo(function JobRow({ job, showCluster, byTarget }: { job: TableJob; showCluster: boolean; byTarget: boolean }) {
  return (
    <TableRow>
      {showCluster && <TableCell className="hidden lg:table-cell">{job.clusterName}</TableCell>}
      <TableCell>
        <Link href={`/replication/${job.id}`} className="font-medium hover:underline focus-visible:underline">
          {byTarget ? job.target : (job.guestName ?? `Guest ${job.vmid}`)}
        </Link>
        <div className="text-muted-foreground text-xs">
          {byTarget ? "" : `${job.guestType === "lxc" ? "CT" : "VM"} ${job.vmid} · `}job {job.jobId}
        </div>
        {job.guestPresence && (
          <div className="text-xs">
            <GuestState presence={job.guestPresence} fallback="unknown" />
          </div>
        )}
      </TableCell>
      <TableCell className="hidden md:table-cell">
        <span className="inline-flex items-center gap-1 text-sm">
          {job.source ?? job.guestNode ?? "?"} <ArrowRight className="size-3" aria-label="to" /> {job.target}
        </span>
      </TableCell>
      <TableCell className="hidden xl:table-cell">
        <ScheduleText schedule={job.schedule} />
      </TableCell>
      <TableCell className="hidden text-sm sm:table-cell" title={formatDateTime(job.lastSync)} suppressHydrationWarning>
        {formatAgo(job.lastSync, job.clusterNow)}
      </TableCell>
      <TableCell>
        <LagBar lagSeconds={job.lagSeconds} rpoSeconds={job.rpoSeconds} />
      </TableCell>
      <TableCell className="hidden text-sm lg:table-cell" title={formatDateTime(job.nextSync)} suppressHydrationWarning>
        {job.disabled ? "—" : formatUntil(job.nextSync, job.clusterNow)}
      </TableCell>
      <TableCell className="hidden text-sm tabular-nums xl:table-cell">{formatSeconds(job.duration)}</TableCell>
      <TableCell className={cn("hidden text-sm tabular-nums md:table-cell", job.failCount > 0 && "text-status-fail font-medium")}>{job.failCount}</TableCell>
      <TableCell>
        <JobStatusBadge status={job.status} message={job.statusMessage} />
      </TableCell>
    </TableRow>
  );
});

function SortableHead({ label, sort, sorting, className }: { label: string; sort: OverviewSort | null; sorting?: SortState; className?: string }) {
  if (!sorting || !sort) return <TableHead className={className}>{label}</TableHead>;
  const active = sorting.sort === sort;
  const Icon = !active ? ArrowUpDown : sorting.dir === "asc" ? ArrowUp : ArrowDown;
  return (
    <TableHead className={className} aria-sort={active ? (sorting.dir === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" onClick={() => sorting.onSort(sort)} className="hover:text-foreground inline-flex items-center gap-1 rounded focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none">
        {label}
        <Icon className={cn("size-3", !active && "opacity-40")} aria-hidden />
      </button>
    </TableHead>
  );
}
