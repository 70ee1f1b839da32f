import type { OverviewFilters } from "./overview-filters";

// Client-safe. The overview's search rule, defined once: the SQL that answers a search
// (overview-query.ts) and the browser's instant pre-filter of the page already on screen
// (app/(dashboard)/_overview) both take their fields and their case folding from here, so the
// pre-filter never shows a row the server's answer would not hold.

/** The fields a search looks in, by the name they carry on a job as the overview shows it. */
export const OVERVIEW_SEARCH_FIELDS = ["vmid", "guestName", "jobId", "clusterName", "source", "target", "comment"] as const;
export type OverviewSearchField = (typeof OVERVIEW_SEARCH_FIELDS)[number];

export type SearchableJob = { [F in OverviewSearchField]: string | number | null };

/**
 * Case folding as SQLite's built-in lower() does it: A–Z only. Folding more in the browser
 * (String.toLowerCase also folds "É") would let the pre-filter match what the server does not.
 */
export function foldSearchCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** Whether `job` matches the search text `q` (as parsed into OverviewFilters.q); every job matches an empty search. */
export function jobMatchesSearch(job: SearchableJob, q: string): boolean {
  if (!q) return true;
  const needle = foldSearchCase(q);
  return OVERVIEW_SEARCH_FIELDS.some((field) => foldSearchCase(String(job[field] ?? "")).includes(needle));
}

type Slice = Pick<OverviewFilters, "q" | "status" | "cluster" | "sort" | "dir">;

/**
 * The rows the overview shows while the server's answer may be for other filters than the ones
 * wanted (a search typed but not answered yet). `answered` says the answer is for the URL's
 * filters (not a previous query's, kept on screen while the next loads). When only the search
 * differs, the answer's rows are narrowed to those matching the new search at once; they keep the
 * server's order, and the server's answer replaces them when it comes (it may hold rows the page
 * on screen did not). Anything else shows the previous answer as it is, as pending.
 */
export function preFilterPage<J extends SearchableJob>(
  answer: { filters: Slice; jobs: J[] },
  wanted: Slice,
  answered: boolean,
): { jobs: J[]; pending: boolean; preFiltered: boolean } {
  const had = answer.filters;
  if (answered && had.q === wanted.q) return { jobs: answer.jobs, pending: false, preFiltered: false };
  const sameSlice = had.cluster === wanted.cluster && had.sort === wanted.sort && had.dir === wanted.dir && sameMembers(had.status, wanted.status);
  if (!sameSlice || had.q === wanted.q) return { jobs: answer.jobs, pending: true, preFiltered: false };
  return { jobs: answer.jobs.filter((job) => jobMatchesSearch(job, wanted.q)), pending: true, preFiltered: true };
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
