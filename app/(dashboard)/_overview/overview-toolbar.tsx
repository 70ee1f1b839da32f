"use client";

import { Search, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import type { OverviewFilters } from "@/lib/replication/overview-filters";
import { JOB_STATUSES, type JobStatusName } from "@/lib/replication/status";
import { JOB_STATUS_DISPLAY } from "@/lib/replication/status-display";
import { cn } from "@/lib/utils";

const ALL_CLUSTERS = "__all__";

type Props = {
  filters: OverviewFilters;
  /** The search box's text as typed (useSearchDraft), ahead of filters.q while typing. */
  search: string;
  onSearch: (text: string) => void;
  statusCounts: Record<JobStatusName, number>;
  clusters: { id: string; name: string }[];
  onChange: (change: Partial<OverviewFilters>) => void;
};

export function OverviewToolbar({ filters, search, onSearch, statusCounts, clusters, onChange }: Props) {
  const toggle = (status: JobStatusName) =>
    onChange({ status: filters.status.includes(status) ? filters.status.filter((s) => s !== status) : [...filters.status, status] });
  const visible = JOB_STATUSES.filter((s) => statusCounts[s] > 0 || filters.status.includes(s));

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <div className="relative sm:max-w-xs sm:flex-1">
          <Search className="text-muted-foreground absolute top-2.5 left-2.5 size-4" aria-hidden />
          <Input type="search" aria-label="Search jobs" placeholder="Guest, ID, node, cluster…" value={search} onChange={(e) => onSearch(e.target.value)} className="pl-8" />
        </div>
        {clusters.length > 1 && (
          <Select value={filters.cluster ?? ALL_CLUSTERS} onValueChange={(v) => onChange({ cluster: v === ALL_CLUSTERS ? undefined : v })}>
            <SelectTrigger aria-label="Cluster" className="sm:w-48">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={ALL_CLUSTERS}>All clusters</SelectItem>
              {clusters.map((c) => (
                <SelectItem key={c.id} value={c.id}>
                  {c.name}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        )}
      </div>
      <div role="group" aria-label="Filter by status" className="flex flex-wrap gap-2">
        {visible.map((status) => {
          const active = filters.status.includes(status);
          return (
            <button
              key={status}
              type="button"
              aria-pressed={active}
              onClick={() => toggle(status)}
              className={cn(
                "focus-visible:ring-ring inline-flex items-center gap-1.5 rounded-full border px-3 py-1 text-xs font-medium outline-none focus-visible:ring-2",
                active ? "bg-primary text-primary-foreground border-primary" : "hover:bg-accent",
              )}
            >
              {JOB_STATUS_DISPLAY[status].label}
              <span className={cn("tabular-nums", !active && "text-muted-foreground")}>{statusCounts[status]}</span>
            </button>
          );
        })}
        {filters.status.length > 0 && (
          <Button variant="ghost" size="sm" className="h-7" onClick={() => onChange({ status: [] })}>
            <X aria-hidden /> Clear
          </Button>
        )}
      </div>
    </div>
  );
}
