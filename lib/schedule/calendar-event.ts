// Proxmox VE calendar events (replication `schedule`, backup jobs): parse, validate,
// describe and compute next runs exactly as proxmox-time does. Pure: runs in the browser.
import { CalendarEventError } from "./event-types";
import type { CalendarEvent } from "./event-types";
import { computeNextEvent } from "./next-event";
import { parseSpec } from "./parse";
import { getZone } from "./zone";

export { CalendarEventError } from "./event-types";
export type { CalendarEvent, DateTimeValue } from "./event-types";
export { describeCalendarEvent } from "./describe";
export { SCHEDULE_PRESETS } from "./presets";
export type { SchedulePreset } from "./presets";

export type NextEventOptions = {
  /** IANA zone the node runs in (its libc local time). Default "UTC". Ignored for specs ending in UTC. */
  timeZone?: string;
};

// Thousands of jobs share a handful of schedules; parsing once per distinct text keeps
// polls cheap. Bounded so arbitrary user input cannot grow it without limit.
const PARSE_CACHE_LIMIT = 1000;
const parsed = new Map<string, CalendarEvent>();

/**
 * Parses a Proxmox calendar event. Throws CalendarEventError with Proxmox's framing
 * ("invalid calendar event '<text>' - <reason>") for anything Proxmox rejects.
 * Results are cached by text and frozen; treat them as immutable.
 */
export function parseCalendarEvent(spec: string): CalendarEvent {
  let event = parsed.get(spec);
  if (event === undefined) {
    event = parseSpec(spec);
    if (parsed.size >= PARSE_CACHE_LIMIT) {
      const oldest = parsed.keys().next();
      if (!oldest.done) parsed.delete(oldest.value);
    }
    parsed.set(spec, event);
  }
  return event;
}

/**
 * The first event after `last` (Unix seconds), or null when the event never fires or
 * proxmox-time gives up (1000 search steps), which PVE reports as no next run.
 * Local zones follow glibc mktime, including its quirks: in zones with negative DST
 * (Europe/Dublin) a spring-forward day can yield an event at or before `last`, exactly
 * as on a PVE node. Fractional `last` is floored, as PVE passes integer seconds.
 * Throws RangeError for an unknown time zone.
 */
export function nextEvent(spec: string | CalendarEvent, last: number, options?: NextEventOptions): number | null {
  const event = typeof spec === "string" ? parseCalendarEvent(spec) : spec;
  if (!Number.isFinite(last)) throw new RangeError(`last must be a finite number of seconds, got ${last}`);
  const zone = event.utc ? null : getZone(options?.timeZone ?? "UTC");
  return computeNextEvent(event, Math.floor(last), zone);
}

/** The next `count` events after `last`, in order; shorter when the event stops firing. */
export function nextEvents(
  spec: string | CalendarEvent,
  last: number,
  count: number,
  options?: NextEventOptions,
): number[] {
  const event = typeof spec === "string" ? parseCalendarEvent(spec) : spec;
  const events: number[] = [];
  let from = last;
  while (events.length < count) {
    const next = nextEvent(event, from, options);
    if (next === null) break;
    events.push(next);
    from = next;
  }
  return events;
}

/** Form helper: the parse error message, or ok. */
export function validateCalendarEvent(spec: string): { ok: true } | { ok: false; error: string } {
  try {
    parseCalendarEvent(spec);
    return { ok: true };
  } catch (err) {
    if (err instanceof CalendarEventError) return { ok: false, error: err.message };
    throw err;
  }
}
