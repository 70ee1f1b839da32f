"use client";

import { useCallback } from "react";
import { useQuery } from "@tanstack/react-query";
import { SearchX } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PaginationBar } from "@/components/pagination-bar";
import { ReplicationJobsTable } from "@/components/replication-jobs-table";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { formatDuration } from "@/lib/replication/format-duration";
import { parseOverviewSearch, type OverviewSort } from "@/lib/replication/overview-filters";
import { preFilterPage } from "@/lib/replication/overview-search";
import { replicationOverviewQuery } from "@/lib/query/replication";
import { HeadlineCards } from "./headline-cards";
import { OverviewSkeleton } from "./overview-skeleton";
import { OverviewToolbar } from "./overview-toolbar";
import { useOverviewFilters, useSearchDraft } from "./use-overview-filters";

export function Overview() {
  const { filters, setFilters } = useOverviewFilters();
  const commitSearch = useCallback((q: string) => setFilters({ q }), [setFilters]);
  const [searchText, setSearchText] = useSearchDraft(filters.q, commitSearch);
  const { data, error, isPlaceholderData } = useQuery(replicationOverviewQuery(filters));
  if (!data) return error ? <LoadError message={error.message} /> : <OverviewSkeleton />;

  // A typed search narrows the rows on screen at once, by the server's own rule; the server's
  // answer (every matching job, its counts and pages) replaces them as soon as it comes.
  const { jobs, pending, preFiltered } = preFilterPage(data, { ...filters, q: parseOverviewSearch(searchText) }, !isPlaceholderData);
  const onSort = (sort: OverviewSort) => setFilters({ sort, dir: filters.sort === sort && filters.dir === "desc" ? "asc" : "desc" });
  return (
    <div className="flex flex-col gap-6">
      {error && <LoadError message={`Showing the last data received. ${error.message}`} />}
      {data.unreadable.map((c) => (
        <LoadError
          key={c.id}
          message={`${c.name} ${c.silentSeconds === null ? "has not been read yet" : `has not been read for ${formatDuration(c.silentSeconds)}`}; its jobs show their last known values.${c.lastError ? ` ${c.lastError}` : ""}`}
        />
      ))}
      <HeadlineCards headline={data.headline} />
      <section aria-labelledby="jobs-heading" aria-busy={pending} className="flex flex-col gap-3">
        <h2 id="jobs-heading" className="text-lg font-semibold">
          Replication jobs
        </h2>
        <OverviewToolbar filters={filters} search={searchText} onSearch={setSearchText} statusCounts={data.statusCounts} clusters={data.clusters} onChange={setFilters} />
        {jobs.length === 0 && pending ? (
          <p role="status" className="text-muted-foreground py-6 text-center text-sm">
            Searching all jobs…
          </p>
        ) : jobs.length === 0 ? (
          <EmptyState icon={SearchX} title={data.headline.jobs.total ? "No job matches" : "No replication jobs yet"} description={data.headline.jobs.total ? "Clear the search or the status filter." : "Add a job from a guest's page."} />
        ) : (
          <>
            <ReplicationJobsTable jobs={jobs} showCluster={data.clusterCount > 1} sorting={{ sort: filters.sort, dir: filters.dir, onSort }} />
            {preFiltered ? (
              <p role="status" className="text-muted-foreground text-sm">
                Matches on the page shown; searching all jobs…
              </p>
            ) : (
              <PaginationBar page={data.page} pageCount={data.pageCount} total={data.total} pageSize={data.pageSize} onPage={(page) => setFilters({ page })} />
            )}
          </>
        )}
      </section>
    </div>
  );
}

function LoadError({ message }: { message: string }) {
  return (
    <Alert variant="destructive">
      <AlertDescription>{message}</AlertDescription>
    </Alert>
  );
}
