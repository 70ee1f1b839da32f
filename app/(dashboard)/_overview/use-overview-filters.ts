"use client";

import { useCallback, useMemo } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { overviewFiltersToSearch, parseOverviewFilters, type OverviewFilters } from "@/lib/replication/overview-filters";

/** Overview filters live in the URL, so a link or a reload shows the same slice. */
export function useOverviewFilters() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filters = useMemo(() => parseOverviewFilters(new URLSearchParams(params.toString())), [params]);
  const setFilters = useCallback(
    (change: Partial<OverviewFilters>) => {
      // Any change other than the page itself starts again at page 1.
      const next = { ...filters, page: 1, ...change };
      router.replace(`${pathname}${overviewFiltersToSearch(next)}`, { scroll: false });
    },
    [filters, pathname, router],
  );
  return { filters, setFilters };
}
