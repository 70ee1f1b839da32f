import { defaultRpoSeconds } from "./rpo";
import { DEFAULT_SCHEDULE } from "./types";

// A schedule's default RPO walks a week of its events; thousands of jobs share a handful of
// schedules, so one computation per distinct text keeps the overview cheap.
const cache = new Map<string, number | null>();
const CACHE_LIMIT = 500;

/** Falls back to one day when the schedule gives no rhythm (same as an operator would set). */
export const FALLBACK_RPO_SECONDS = 86_400;

/**
 * The RPO in force for a job: the operator's, else the schedule's default (lib/replication/rpo.ts)
 * in the cluster's time zone (Cluster.timeZone, stored by the poller; UTC while unknown).
 */
export function effectiveRpo(job: { rpoSeconds: number | null; schedule: string | null }, timeZone?: string | null): { seconds: number; isDefault: boolean } {
  if (job.rpoSeconds !== null) return { seconds: job.rpoSeconds, isDefault: false };
  const schedule = job.schedule || DEFAULT_SCHEDULE;
  const zone = timeZone ?? "UTC";
  const key = `${zone} ${schedule}`;
  if (!cache.has(key)) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, defaultRpoSeconds(schedule, { timeZone: zone }));
  }
  return { seconds: cache.get(key) ?? FALLBACK_RPO_SECONDS, isDefault: true };
}
