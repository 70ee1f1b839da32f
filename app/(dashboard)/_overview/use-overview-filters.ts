"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { usePathname, useSearchParams } from "next/navigation";
import { overviewFiltersToSearch, parseOverviewFilters, parseOverviewSearch, type OverviewFilters } from "@/lib/replication/overview-filters";

/** How long typing pauses before the search goes to the URL and the server; the table pre-filters at once. */
const SEARCH_PAUSE_MS = 75;

/** Overview filters live in the URL, so a link or a reload shows the same slice. */
export function useOverviewFilters() {
  const pathname = usePathname();
  const params = useSearchParams();
  const filters = useMemo(() => parseOverviewFilters(new URLSearchParams(params.toString())), [params]);
  const setFilters = useCallback(
    (change: Partial<OverviewFilters>) => {
      // Any change other than the page itself starts again at page 1.
      const next = { ...filters, page: 1, ...change };
      // The history API, not a router navigation: Next keeps useSearchParams in step without a
      // server render of the page (which read the whole overview again before the browser's own
      // query could start); the overview query fetches the new slice itself.
      window.history.replaceState(null, "", `${pathname}${overviewFiltersToSearch(next)}`);
    },
    [filters, pathname],
  );
  return { filters, setFilters };
}

/**
 * The search box's text. The table pre-filters on it at once (preFilterPage); it goes to the URL,
 * and so to the server, once typing pauses, so a word typed fast costs one query, not one a key.
 * A search that changes in the URL from elsewhere (a link, Back) replaces the text; the URL
 * catching up with what was typed does not (the box may already hold more).
 */
export function useSearchDraft(q: string, commit: (q: string) => void): [string, (text: string) => void] {
  const [draft, setDraft] = useState(q);
  const [urlSearch, setUrlSearch] = useState(q);
  const [sent, setSent] = useState<string | null>(null);
  if (q !== urlSearch) {
    setUrlSearch(q);
    if (q === sent) setSent(null);
    else if (q !== parseOverviewSearch(draft)) setDraft(q);
  }
  useEffect(() => {
    const wanted = parseOverviewSearch(draft);
    if (wanted === q) return;
    const timer = setTimeout(() => {
      setSent(wanted);
      commit(wanted);
    }, SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [draft, q, commit]);
  return [draft, setDraft];
}
