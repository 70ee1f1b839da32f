import { queryOptions } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import type { JobDetail, JobLagSeries } from "@/lib/replication/job-queries";
import type { LagRangeName as LagRange } from "@/lib/replication/lag-ranges";
import type { LiveLog } from "@/lib/replication/live-log";
import type { JobOptions } from "@/lib/replication/job-options";
import { overviewFiltersToSearch, type OverviewFilters } from "@/lib/replication/overview-filters";
import type { ClusterReplication, GuestReplication, ReplicationOverview } from "@/lib/replication/queries";

// The poller refreshes the database every ~15 s; polling a little faster shows a change within
// one poll without hammering SQLite. History and logs change slowly and poll less.
const LIVE_MS = 5_000;
const HISTORY_MS = 30_000;

export const replicationKeys = {
  all: ["replication"] as const,
  overview: (filters: OverviewFilters) => ["replication", "overview", filters] as const,
  cluster: (clusterId: string) => ["replication", "cluster", clusterId] as const,
  guest: (clusterId: string, vmid: number) => ["replication", "guest", clusterId, vmid] as const,
  job: (jobRowId: string) => ["replication", "job", jobRowId] as const,
  lag: (jobRowId: string, range: LagRange) => ["replication", "job", jobRowId, "lag", range] as const,
  runLog: (jobRowId: string, runId: string) => ["replication", "job", jobRowId, "run", runId] as const,
  liveLog: (jobRowId: string) => ["replication", "job", jobRowId, "live-log"] as const,
  jobOptions: (clusterId: string, vmid: number) => ["replication", "job-options", clusterId, vmid] as const,
};

export function replicationOverviewQuery(filters: OverviewFilters) {
  return queryOptions({
    queryKey: replicationKeys.overview(filters),
    queryFn: () => fetchJson<ReplicationOverview>(`/api/replication${overviewFiltersToSearch(filters)}`),
    refetchInterval: LIVE_MS,
    // Keeps the previous page on screen while the next page or filter loads.
    placeholderData: (previous) => previous,
  });
}

export function clusterReplicationQuery(clusterId: string) {
  return queryOptions({
    queryKey: replicationKeys.cluster(clusterId),
    queryFn: () => fetchJson<ClusterReplication>(`/api/replication/clusters/${encodeURIComponent(clusterId)}`),
    refetchInterval: LIVE_MS,
  });
}

export function guestReplicationQuery(clusterId: string, vmid: number) {
  return queryOptions({
    queryKey: replicationKeys.guest(clusterId, vmid),
    queryFn: () => fetchJson<GuestReplication>(`/api/replication/clusters/${encodeURIComponent(clusterId)}/guests/${vmid}`),
    refetchInterval: LIVE_MS,
  });
}

export function jobDetailQuery(jobRowId: string) {
  return queryOptions({
    queryKey: replicationKeys.job(jobRowId),
    queryFn: () => fetchJson<JobDetail>(`/api/replication/${encodeURIComponent(jobRowId)}`),
    refetchInterval: LIVE_MS,
  });
}

export function jobLagQuery(jobRowId: string, range: LagRange) {
  return queryOptions({
    queryKey: replicationKeys.lag(jobRowId, range),
    queryFn: () => fetchJson<JobLagSeries>(`/api/replication/${encodeURIComponent(jobRowId)}/lag?range=${range}`),
    refetchInterval: range === "1h" ? LIVE_MS * 2 : HISTORY_MS,
    placeholderData: (previous) => previous,
  });
}

export function runLogQuery(jobRowId: string, runId: string) {
  return queryOptions({
    queryKey: replicationKeys.runLog(jobRowId, runId),
    queryFn: () => fetchJson<{ id: string; startedAt: number; outcome: string; log: string | null }>(`/api/replication/${encodeURIComponent(jobRowId)}/runs/${encodeURIComponent(runId)}`),
    staleTime: Infinity,
  });
}

/** The running sync's log, read from its node every 2 s while the job page shows a sync. */
export function liveLogQuery(jobRowId: string, enabled: boolean) {
  return queryOptions({
    queryKey: replicationKeys.liveLog(jobRowId),
    queryFn: () => fetchJson<LiveLog>(`/api/replication/${encodeURIComponent(jobRowId)}/live-log`),
    refetchInterval: 2_000,
    enabled,
  });
}

/** Read live from Proxmox when the add-job dialog opens; never polled. */
export function jobOptionsQuery(clusterId: string, vmid: number) {
  return queryOptions({
    queryKey: replicationKeys.jobOptions(clusterId, vmid),
    queryFn: () => fetchJson<JobOptions>(`/api/replication/clusters/${encodeURIComponent(clusterId)}/guests/${vmid}/job-options`),
    staleTime: 30_000,
    retry: false,
  });
}
