import { z } from "zod";
import { JOB_STATUSES, type JobStatusName } from "./status";

// Client-safe: the overview page, its route handler and the URL share this one parser, so a
// copied link shows exactly the same slice of jobs.

export const OVERVIEW_PAGE_SIZE = 50;

export const OVERVIEW_SORTS = ["severity", "lag", "guest", "cluster", "lastSync", "nextSync", "failCount", "duration"] as const;
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];

const statusListSchema = z
  .string()
  .transform((text) => text.split(",").filter((s): s is JobStatusName => (JOB_STATUSES as readonly string[]).includes(s)))
  .catch([]);

export const overviewFiltersSchema = z.object({
  status: statusListSchema.default([]),
  q: z.string().trim().max(100).catch("").default(""),
  sort: z.enum(OVERVIEW_SORTS).catch("severity").default("severity"),
  dir: z.enum(["asc", "desc"]).catch("desc").default("desc"),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
  cluster: z.string().max(100).optional().catch(undefined),
});
export type OverviewFilters = z.infer<typeof overviewFiltersSchema>;

/** The search text as the filters hold it (trimmed; too long is no search), for text typed but not yet in the URL. */
export function parseOverviewSearch(text: string): string {
  return overviewFiltersSchema.shape.q.parse(text);
}

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

/** Parses filters from a URL; anything unknown or malformed falls back to the default. */
export function parseOverviewFilters(params: ParamSource): OverviewFilters {
  const get = (key: string) => {
    if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
    const value = params[key];
    return Array.isArray(value) ? value[0] : value;
  };
  return overviewFiltersSchema.parse({
    status: get("status"),
    q: get("q"),
    sort: get("sort"),
    dir: get("dir"),
    page: get("page"),
    cluster: get("cluster"),
  });
}

/** The query string for `filters`, leaving defaults out so URLs stay short. */
export function overviewFiltersToSearch(filters: OverviewFilters): string {
  const params = new URLSearchParams();
  if (filters.status.length) params.set("status", filters.status.join(","));
  if (filters.q) params.set("q", filters.q);
  if (filters.sort !== "severity") params.set("sort", filters.sort);
  if (filters.dir !== "desc") params.set("dir", filters.dir);
  if (filters.page > 1) params.set("page", String(filters.page));
  if (filters.cluster) params.set("cluster", filters.cluster);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Most urgent first: what an on-call operator has to look at before anything else. */
export const STATUS_SEVERITY: Record<JobStatusName, number> = {
  failing: 0,
  "waiting-target": 1,
  stale: 2,
  late: 3,
  "never-synced": 4,
  "removal-scheduled": 5,
  syncing: 6,
  ok: 7,
  disabled: 8,
};
