"use client";

import { useQuery } from "@tanstack/react-query";

/** The number of active alerts beside "Alerts" in the sidebar; hidden at zero. */
export function AlertCountBadge() {
  const { data, isError } = useQuery({
    queryKey: ["alerts", "count"],
    queryFn: async () => {
      const response = await fetch("/api/alerts/count");
      if (!response.ok) throw new Error(String(response.status));
      return (await response.json()) as { total: number };
    },
    refetchInterval: 10_000,
  });
  if (isError) return <span className="text-muted-foreground ml-auto text-xs" title="The alert count could not be read">?</span>;
  if (!data || data.total === 0) return null;
  return (
    <span data-testid="active-alert-count" aria-label={`${data.total} active alerts`} className="bg-status-fail ml-auto rounded-full px-2 py-0.5 text-xs font-semibold text-white">
      {data.total}
    </span>
  );
}
