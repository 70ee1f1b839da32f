import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { CalendarEventError, describeCalendarEvent, nextEvent, parseCalendarEvent } from "./calendar-event";
import type { CalendarEvent, DateTimeValue } from "./calendar-event";

// Written apart from the engine on purpose: plain Intl/Date reads and set membership.
const formats = new Map<string, Intl.DateTimeFormat>();

function localFields(epoch: number, timeZone: string): number[] {
  const date = new Date(epoch * 1000);
  if (timeZone === "UTC") {
    return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay(),
      date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  }
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", second: "numeric", weekday: "short",
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday ?? "");
  return [Number(parts.year), Number(parts.month), Number(parts.day), weekday,
    Number(parts.hour) % 24, Number(parts.minute), Number(parts.second)];
}

function member(list: readonly DateTimeValue[], x: number): boolean {
  if (list.length === 0) return true;
  return list.some((v) => {
    if (v.kind === "single") return x === v.start;
    if (v.kind === "range") return x >= v.start && x <= (v.end ?? Infinity);
    if (x < v.start) return false;
    if (v.step === 0) return x === v.start;
    return (x - v.start) % v.step === 0 && x <= (v.end ?? Infinity);
  });
}

function matches(event: CalendarEvent, epoch: number, timeZone: string): boolean {
  const [year, month, day, sunday0, hour, minute, second] = localFields(epoch, event.utc ? "UTC" : timeZone);
  const weekdayBit = 1 << (((sunday0 ?? 0) + 6) % 7);
  return (
    (event.weekdays === 0 || (event.weekdays & weekdayBit) !== 0) &&
    member(event.year, year ?? -1) && member(event.month, month ?? -1) && member(event.day, day ?? -1) &&
    member(event.hour, hour ?? -1) && member(event.minute, minute ?? -1) && member(event.second, second ?? -1)
  );
}

// Specs whose search can never overshoot a field and land past a member (see the
// "overshoot" quirk test): open repetitions divide the field evenly and stand alone,
// days stay within 28.
function safeList(lo: number, size: number, maxValue = lo + size - 1): fc.Arbitrary<string> {
  const divisors = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30].filter((d) => size % d === 0 && d < size);
  const value = fc.integer({ min: lo, max: maxValue });
  const closed = fc.oneof(
    value.map(String),
    fc.tuple(value, value).map(([a, b]) => `${Math.min(a, b)}..${Math.max(a, b)}`),
    fc.tuple(value, value, fc.integer({ min: 1, max: 9 })).map(([a, b, r]) => `${Math.min(a, b)}..${Math.max(a, b)}/${r}`),
  );
  const open = fc.constantFrom(...divisors).chain((r) =>
    fc.oneof(fc.constant(`*/${r}`), fc.integer({ min: lo, max: lo + r - 1 }).map((n) => `${n}/${r}`)),
  );
  const closedList = fc.array(closed, { minLength: 1, maxLength: 3 }).map((xs) => xs.join(","));
  return maxValue < lo + size - 1 ? fc.oneof(fc.constant("*"), closedList) : fc.oneof(fc.constant("*"), open, closedList);
}

const weekdayPart = fc.oneof(
  { weight: 3, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.constantFrom("mon ", "sat,sun ", "fri..mon ", "mon..fri ", "Tue,thu ") },
);
const datePart = fc.oneof(
  { weight: 3, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.tuple(safeList(1, 12), safeList(1, 31, 28)).map(([m, d]) => `${m}-${d} `) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("*", "2024..2030", "2026"), safeList(1, 12)).map(([y, m]) => `${y}-${m}-* `) },
);
const timePart = fc.oneof(
  safeList(0, 60),
  fc.tuple(safeList(0, 24), safeList(0, 60)).map(([h, m]) => `${h}:${m}`),
  fc.tuple(safeList(0, 24), safeList(0, 60), safeList(0, 60)).map(([h, m, s]) => `${h}:${m}:${s}`),
);
const safeSpec = fc
  .tuple(weekdayPart, datePart, fc.option(timePart, { nil: "" }))
  .map(([w, d, t]) => `${w}${d}${t}`.trim() || "*");
// Anything the grammar allows, including overshooting repetitions and days 29..31.
function wildList(lo: number, max: number): fc.Arbitrary<string> {
  const v = fc.integer({ min: lo, max: max - 1 });
  const r = fc.integer({ min: 0, max: max - 1 });
  const item = fc.oneof(
    v.map(String),
    fc.tuple(v, v).map(([a, b]) => `${Math.min(a, b)}..${Math.max(a, b)}`),
    fc.tuple(v, r).map(([a, n]) => `${a}/${n}`),
    fc.tuple(v, v, r).map(([a, b, n]) => `${Math.min(a, b)}..${Math.max(a, b)}/${n}`),
  );
  const star = fc.integer({ min: 1, max: max - 1 }).map((n) => `*/${n}`);
  return fc.oneof(fc.constant("*"), star, fc.array(item, { minLength: 1, maxLength: 3 }).map((xs) => xs.join(",")));
}
const wildSpec = fc
  .tuple(weekdayPart, fc.option(fc.tuple(wildList(1, 13), wildList(1, 32)), { nil: undefined }), wildList(0, 24), wildList(0, 60), wildList(0, 60))
  .map(([w, d, h, m, sec]) => `${w}${d ? `${d[0]}-${d[1]} ` : ""}${h}:${m}:${sec}`);
const keyword = fc.constantFrom("minutely", "hourly", "daily", "weekly", "monthly", "yearly", "quarterly", "semiannually");
const anySpec = fc.oneof({ weight: 4, arbitrary: safeSpec }, { weight: 1, arbitrary: keyword });
const anyValidSpec = fc.oneof(anySpec, wildSpec);
const lastArb = fc.integer({ min: 0, max: 4_000_000_000 });
const WINDOW = 2 * 3600;

describe("calendar events: properties", () => {
  it("parsing arbitrary grammar soup either succeeds or throws CalendarEventError, and never hangs", () => {
    const token = fc.constantFrom("*", "/", ",", "..", "-", ":", " ", "0", "1", "5", "12", "31", "61", "2200", "mon", "fri", "UTC", "daily", "x", "~");
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }).map((t) => t.join("")), lastArb, (spec, last) => {
        let event: CalendarEvent;
        try {
          event = parseCalendarEvent(spec);
        } catch (err) {
          expect(err).toBeInstanceOf(CalendarEventError);
          return;
        }
        const next = nextEvent(event, last);
        expect(next === null || Number.isInteger(next)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(["UTC", "Europe/Vienna", "America/New_York", "Australia/Lord_Howe"])(
    "in %s a returned event lies after last and matches the spec",
    (timeZone) => {
      fc.assert(
        fc.property(anyValidSpec, lastArb, (spec, last) => {
          const event = parseCalendarEvent(spec);
          const next = nextEvent(event, last, { timeZone });
          if (next === null) return;
          expect(next).toBeGreaterThan(last);
          expect(matches(event, next, timeZone)).toBe(true);
        }),
        { numRuns: 300 },
      );
    },
  );

  it("describes any valid spec in plain words", () => {
    fc.assert(
      fc.property(anyValidSpec, (spec) => {
        const text = describeCalendarEvent(spec);
        expect(text).not.toMatch(/undefined|NaN|null|\[object/);
        expect(text.length).toBeGreaterThan(4);
      }),
      { numRuns: 500 },
    );
  });

  it("skips no matching second between last and the result (UTC, brute force)", () => {
    fc.assert(
      fc.property(anySpec, lastArb, fc.integer({ min: 1, max: WINDOW }), (spec, start, back) => {
        const event = parseCalendarEvent(spec);
        // Aim the window at a real event so it usually contains one.
        const target = nextEvent(event, start);
        const last = target === null ? start : Math.max(0, target - back);
        const next = nextEvent(event, last);
        const end = Math.min(next === null ? Infinity : next - 1, last + WINDOW);
        for (let t = last + 1; t <= end; t++) {
          if (matches(event, t, "UTC")) expect.fail(`'${spec}' after ${last}: ${t} matches but next is ${next}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});
