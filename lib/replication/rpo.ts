import { CalendarEventError, nextEvent, parseCalendarEvent } from "@/lib/schedule/calendar-event";

import { DEFAULT_SCHEDULE } from "./types";

/** pvescheduler forks a replication run about every 60 s (pve-manager pvescheduler.pm). */
export const SCHEDULER_TICK_SECONDS = 60;

/** Assumed length of one sync when the caller knows nothing better (e.g. the median of recent runs). */
export const DEFAULT_EXPECTED_DURATION_SECONDS = 240;

/**
 * Schedules are measured from a fixed Monday 00:00 UTC outside any DST change, so a job's default
 * RPO does not drift with the day it is computed on.
 */
export const RPO_REFERENCE_TIME = Date.UTC(2025, 0, 6) / 1000;

const DAY = 86_400;
const WEEK = 7 * DAY;
const YEAR = 366 * DAY;
const SEARCH_LIMIT_SECONDS = 400 * DAY;
/** Fewer runs than this in the first week: a sparse schedule, measured over a year instead. */
const SPARSE_RUNS_PER_WEEK = 8;
const MAX_EVENTS = 20_000;

/** Steps a default RPO is rounded up to, so operators see "30m" rather than "22m 30s". */
const FRIENDLY_STEPS = [
  5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1080, 1440, 2160, 2880, 4320, 5760, 7200, 10080, 14400,
  20160,
].map((minutes) => minutes * 60);

export type RpoOptions = {
  /** IANA zone of the node that runs the job (its local time drives the schedule). Default UTC. */
  timeZone?: string;
  /** Expected sync duration in seconds, e.g. the median of recent runs. */
  expectedDurationSeconds?: number;
};

/**
 * Default RPO target of a job, derived from its schedule:
 *
 *   RPO = round_up(maxGap + max(maxGap / 2, 60 s + expected sync duration))
 *
 * - maxGap: the longest time between consecutive scheduled runs over one week of the schedule
 *   (starting at its first run after Monday 2025-01-06 00:00 UTC, in the node's time zone), so a
 *   weekday-only schedule gets its weekend gap; a schedule with fewer than 8 runs that week is
 *   measured over a year instead (monthly → 31 days). No schedule means Proxmox's default `*\/15`.
 * - A healthy job's lag peaks at maxGap + up to one 60 s scheduler tick + the sync's duration,
 *   because last_sync is the start time of a run. The margin covers that, and is at least half
 *   a gap so that, for schedules of 10 minutes and longer, a single missed run breaches the RPO.
 * - round_up: the next of 5, 10, 15, 20, 30, 45 minutes, 1, 1.5, 2, 3, 4, 6, 8, 12, 18, 24, 36,
 *   48, 72 hours, 4, 5, 7, 10, 14 days, then whole weeks.
 *
 * Examples (default duration): every minute or `*\/5` → 10 min, `*\/15` → 30 min, hourly →
 * 1.5 h, daily → 36 h, weekly → 14 days. Returns null when the schedule is invalid or runs fewer
 * than twice within 400 days (a fixed date): with no rhythm to derive from, an operator sets it.
 */
export function defaultRpoSeconds(schedule: string | undefined, options: RpoOptions = {}): number | null {
  const gap = computeMaxScheduleGap(schedule, options);
  if (gap === null) return null;
  const duration = Math.max(0, options.expectedDurationSeconds ?? DEFAULT_EXPECTED_DURATION_SECONDS);
  return roundUpToFriendlySeconds(gap + Math.max(gap / 2, SCHEDULER_TICK_SECONDS + duration));
}

/**
 * Longest time in seconds between consecutive runs over one week of the schedule (see
 * defaultRpoSeconds), or null when it is invalid or fires fewer than twice in 400 days.
 */
export function computeMaxScheduleGap(schedule: string | undefined, options: Pick<RpoOptions, "timeZone"> = {}): number | null {
  const spec = schedule?.trim() ? schedule : DEFAULT_SCHEDULE;
  let event;
  try {
    event = parseCalendarEvent(spec);
  } catch (err) {
    if (err instanceof CalendarEventError) return null;
    throw err;
  }
  const zone = { timeZone: options.timeZone ?? "UTC" };
  const first = nextEvent(event, RPO_REFERENCE_TIME, zone);
  if (first === null) return null;

  let maxGap = 0;
  let previous = first;
  for (let count = 1; count < MAX_EVENTS; count++) {
    const next = nextEvent(event, previous, zone);
    if (next === null || next - first > SEARCH_LIMIT_SECONDS) break;
    maxGap = Math.max(maxGap, next - previous);
    previous = next;
    const span = previous - first;
    if (span >= WEEK && (count + 1 >= SPARSE_RUNS_PER_WEEK || span >= YEAR)) break;
  }
  return maxGap > 0 ? maxGap : null;
}

/** Rounds up to the next friendly step (5 min … 14 days, then whole weeks). */
export function roundUpToFriendlySeconds(seconds: number): number {
  for (const step of FRIENDLY_STEPS) if (seconds <= step) return step;
  return Math.ceil(seconds / WEEK) * WEEK;
}
