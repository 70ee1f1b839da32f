import { describe, expect, it } from "vitest";

import {
  CalendarEventError,
  SCHEDULE_PRESETS,
  nextEvent,
  nextEvents,
  parseCalendarEvent,
  validateCalendarEvent,
} from "./calendar-event";

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;
const THURSDAY_00_00 = 0;
const THURSDAY_15_00 = 15 * HOUR;
const JUL_31_2020 = 1596153600;
const DEC_31_2020 = 1609372800;

// proxmox-time src/test.rs `test_compute_next_event` (it appends " UTC" to every spec).
const RUST_VECTORS: [string, number, number][] = [
  ["0", THURSDAY_00_00, HOUR],
  ["*", THURSDAY_00_00, MIN],
  ["*:0", THURSDAY_00_00, HOUR],
  ["*:*", THURSDAY_00_00, MIN],
  ["*:*:*", THURSDAY_00_00, 1],
  ["*:3:5", THURSDAY_00_00, 3 * MIN + 5],
  ["mon *:*", THURSDAY_00_00, 4 * DAY],
  ["mon 2:*", THURSDAY_00_00, 4 * DAY + 2 * HOUR],
  ["mon 2:50", THURSDAY_00_00, 4 * DAY + 2 * HOUR + 50 * MIN],
  ["tue", THURSDAY_00_00, 5 * DAY],
  ["wed", THURSDAY_00_00, 6 * DAY],
  ["thu", THURSDAY_00_00, 7 * DAY],
  ["fri", THURSDAY_00_00, 1 * DAY],
  ["sat", THURSDAY_00_00, 2 * DAY],
  ["sun", THURSDAY_00_00, 3 * DAY],
  ["4..10/2:0", THURSDAY_00_00, 4 * HOUR],
  ["4..10/2:0", 5 * HOUR, 6 * HOUR],
  ["4..10/2:0", 11 * HOUR, DAY + 4 * HOUR],
  ["5,10:4,8", THURSDAY_00_00, 5 * HOUR + 4 * MIN],
  ["10,5:8,4", THURSDAY_00_00, 5 * HOUR + 4 * MIN],
  ["6,4..10:23,5/5", THURSDAY_00_00, 4 * HOUR + 5 * MIN],
  ["4..10,6:5/5,23", THURSDAY_00_00, 4 * HOUR + 5 * MIN],
  ...(["sat", "sun", "mon", "tue", "wed", "thu", "fri"].map((d, i) => [d, JUL_31_2020, JUL_31_2020 + (i + 1) * DAY]) as [string, number, number][]),
  ...(["fri", "sat", "sun", "mon", "tue", "wed", "thu"].map((d, i) => [d, DEC_31_2020, DEC_31_2020 + (i + 1) * DAY]) as [string, number, number][]),
  ["daily", THURSDAY_00_00, DAY],
  ["daily", THURSDAY_00_00 + 1, DAY],
  ["5/2:0", THURSDAY_00_00, 5 * HOUR],
  ["5/2:0", 5 * HOUR, 7 * HOUR],
  ["5/2:0", 7 * HOUR, 9 * HOUR],
  ["5/2:0", 9 * HOUR, 11 * HOUR],
  ["2020-07-31", 0, JUL_31_2020],
  ["02-28", 0, (31 + 27) * DAY],
  ["02-29", 0, 2 * 365 * DAY + (31 + 28) * DAY],
  ["1965/5-01-01", -1, THURSDAY_00_00],
  ["2020-7..9-2/2", JUL_31_2020, JUL_31_2020 + 2 * DAY],
  ["2020,2021-12-31", JUL_31_2020, DEC_31_2020],
  ["minutely", THURSDAY_00_00, MIN],
  ["hourly", THURSDAY_00_00, HOUR],
  ["weekly", THURSDAY_00_00, 4 * DAY],
  ["monthly", 0, 31 * DAY],
  ["quarterly", 0, (31 + 28 + 31) * DAY],
  ["semiannually", 0, (31 + 28 + 31 + 30 + 31 + 30) * DAY],
  ["semi-annually", 0, (31 + 28 + 31 + 30 + 31 + 30) * DAY],
  ["yearly", 0, 365 * DAY],
  ["annually", 0, 365 * DAY],
];

// pve-common test/calendar_event_test.pl (TZ=UTC, utc forced on): [spec, [[last, next]…]].
const PERL_VECTORS: [string, [number, number][]][] = [
  ["*", [[0, 60], [30, 60], [59, 60], [60, 120]]],
  ["*/10", [[0, 600], [599, 600], [600, 1200], [50 * 60, 60 * 60]]],
  ["*/12:0", [[10, 43200], [13 * 3600, 24 * 3600]]],
  ["1/12:0/15", [
    [0, 3600], [3600, 3600 + 15 * 60], [3600 + 16 * 60, 3600 + 30 * 60], [3600 + 30 * 60, 3600 + 45 * 60],
    [3600 + 45 * 60, 3600 + 12 * 3600], [13 * 3600 + 1, 13 * 3600 + 15 * 60], [13 * 3600 + 15 * 60, 13 * 3600 + 30 * 60],
    [13 * 3600 + 30 * 60, 13 * 3600 + 45 * 60], [13 * 3600 + 45 * 60, 25 * 3600],
  ]],
  ["1,4,6", [[0, 60], [60, 4 * 60], [4 * 60 + 60, 6 * 60], [6 * 60, 3600 + 60]]],
  ["Mon", [[0, 4 * 86400], [4 * 86400, 11 * 86400], [11 * 86400, 18 * 86400]]],
  ["sat..sun", [[0, 2 * 86400], [2 * 86400, 3 * 86400], [3 * 86400, 9 * 86400]]],
  ["22/1:0", [[0, 22 * 3600], [22 * 3600, 23 * 3600], [22 * 3600 + 59 * 60, 23 * 3600]]],
  ["*/2:*", [[0, 60], [3600, 2 * 3600], [2 * 3600, 2 * 3600 + 60]]],
  ["20..22:*/30", [[0, 20 * 3600], [20 * 3600, 20 * 3600 + 30 * 60], [22 * 3600 + 30 * 60, 44 * 3600]]],
  ["0,1,3..5", [[0, 60], [60, 3 * 60], [5 * 60, 3600]]],
  ["2,4:0,1,3..5", [[0, 2 * 3600], [2 * 3600 + 60, 2 * 3600 + 3 * 60], [2 * 3600 + 5 * 60, 4 * 3600]]],
];

describe("nextEvent: proxmox-time test vectors", () => {
  it.each(RUST_VECTORS)("%s after %i", (spec, last, expected) => {
    expect(nextEvent(`${spec} UTC`, last)).toBe(expected);
  });

  it("chains 100 events like the Rust loops", () => {
    let n = 0;
    let m = 0;
    let d = THURSDAY_15_00;
    for (let i = 1; i < 100; i++) {
      n = nextEvent("*:* UTC", n) ?? -1;
      m = nextEvent("*:0 UTC", m) ?? -1;
      d = nextEvent("1:0 UTC", d) ?? -1;
      expect([n, m, d]).toEqual([i * MIN, i * HOUR, i * DAY + HOUR]);
    }
  });

  it.each(["2021-02-29", "02-30"])("%s never fires", (spec) => {
    expect(nextEvent(`${spec} UTC`, 0)).toBeNull();
  });
});

describe("nextEvent: pve-common calendar_event_test.pl vectors", () => {
  it.each(PERL_VECTORS)("%s", (spec, pairs) => {
    for (const [last, expected] of pairs) expect(nextEvent(spec, last)).toBe(expected);
  });

  it("Europe/Vienna CEST→CET: mon..fri from Sunday 2018-10-28 00:00 local", () => {
    const sundayLocal = Date.UTC(2018, 9, 27, 22) / 1000;
    const mondayLocal = Date.UTC(2018, 9, 28, 23) / 1000;
    expect(nextEvent("mon..fri", sundayLocal, { timeZone: "Europe/Vienna" })).toBe(mondayLocal);
    // With UTC in the spec the result is Monday 00:00 UTC, i.e. 01:00 local.
    expect(nextEvent("mon..fri UTC", sundayLocal, { timeZone: "Europe/Vienna" })).toBe(mondayLocal + HOUR);
    const sundayUtc = Date.UTC(2018, 9, 28) / 1000;
    expect(nextEvent("mon..fri", sundayUtc)).toBe(Date.UTC(2018, 9, 29) / 1000);
  });
});

describe("nextEvent: reference examples and Proxmox quirks", () => {
  it.each([
    ["*/10", 0, 600],
    ["*/15", 1700000000, 1700000100],
    ["mon..fri 8..17:00/30", 1700000000, 1700035200],
    ["daily", 1, 86400],
    ["2021-02-29", 0, null],
    ["0-0", 0, null],
    ["fri..mon", THURSDAY_00_00, DAY],
  ] as const)("%s after %i", (spec, last, expected) => {
    expect(nextEvent(spec, last)).toBe(expected);
  });

  it("lets open repetitions overshoot the field, skipping values like Proxmox", () => {
    // */7 after 12:57: find_next answers minute 63 → 13:03 → 13:07; 13:00 is skipped.
    expect(nextEvent("*/7", 12 * HOUR + 56 * MIN)).toBe(13 * HOUR + 7 * MIN);
    // */5:0 after 22:00: hour 25 → 01:00 next day → 05:00; midnight is skipped.
    expect(nextEvent("*/5:0", 22 * HOUR)).toBe(DAY + 5 * HOUR);
    // Day 31 overshoots February: from Feb 27 the search lands on Mar 3 and skips Mar 2.
    expect(nextEvent("*-*-2,31", Date.UTC(2021, 1, 27) / 1000)).toBe(Date.UTC(2021, 2, 31) / 1000);
  });

  it("treats a lone number (even 25:00) as minutes, as the nom grammar does", () => {
    expect(nextEvent("25:00", 0)).toBe(25 * MIN);
    expect(nextEvent("22", 0)).toBe(22 * MIN);
  });

  it("accepts UTC glued to the spec and evaluates it in UTC", () => {
    expect(nextEvent("12:00UTC", 0, { timeZone: "Europe/Vienna" })).toBe(12 * HOUR);
    expect(nextEvent("12:00", 0, { timeZone: "Europe/Vienna" })).toBe(11 * HOUR);
  });

  it("gives up after 1000 search steps", () => {
    // Month 0 parses but never matches: the search steps year by year until the limit.
    expect(nextEvent("0-0", 0)).toBeNull();
    expect(nextEvent("*-02-30 *:*:*", 0)).toBeNull();
  });

  it("returns the next events in order and stops when the event stops firing", () => {
    expect(nextEvents("*/15", 0, 3)).toEqual([900, 1800, 2700]);
    expect(nextEvents("2020-07-31", 0, 3)).toEqual([JUL_31_2020]);
  });

  it("accepts a pre-parsed event and caches parses by text", () => {
    const event = parseCalendarEvent("mon..fri 8..17:00/30");
    expect(parseCalendarEvent("mon..fri 8..17:00/30")).toBe(event);
    expect(nextEvent(event, 1700000000)).toBe(1700035200);
  });

  it("rejects an unknown time zone", () => {
    expect(() => nextEvent("*/15", 0, { timeZone: "Mars/Olympus" })).toThrow(RangeError);
  });
});

describe("parseCalendarEvent", () => {
  it.each([
    "mon,wed..fri", "fri..mon", "mon", "MON", "monDay", "tue", "Tuesday", "wed", "wednesday", "thu", "thursday",
    "fri", "friday", "sat", "saturday", "sun", "sunday", "mon..fri", "mon,tue,fri", "mon,tue..wednesday,fri..sat",
    "0..3", "23..23:0..3", "sun..sat", "wed,mon..tue,fri", "mon */15", " mon ", "*-*-* *:*:*", "2199-12-31 23:59:59",
  ])("accepts %j", (spec) => {
    expect(() => parseCalendarEvent(spec)).not.toThrow();
  });

  it("wraps weekday ranges around the week", () => {
    expect(parseCalendarEvent("fri..mon").weekdays).toBe(0b1110001);
    expect(parseCalendarEvent("sun..sat").weekdays).toBe(0b1111111);
  });

  it.each([
    ["61", "minute value '61' out of range (0..59)"],
    ["*/61", "minute repetition '61' out of range (1..59)"],
    ["0..80", "minute range end '80' out of range (0..59)"],
    [" mon 0 0 0", "unexpected ' 0 0' (unused parts)"],
    [" mon 0 0", "unexpected ' 0' (unused parts)"],
    ["", "event is empty"],
    ["   ", "event is empty"],
    ["*/0", "minute repetition after '*' must be at least 1"],
    ["*/00", "minute repetition after '*' must be at least 1"],
    ["fri..foo", "unknown weekday 'foo'"],
    ["Daily", "unknown weekday or keyword 'Daily' (keywords are lowercase: 'daily')"],
    ["daily 12:00", "unknown weekday or keyword 'daily' (a keyword like 'daily' must stand alone, optionally followed by UTC)"],
    ["2021-13-01", "month value '13' out of range (1..12)"],
    ["2200-01-01", "year value '2200' out of range (0..2199)"],
    ["*-*-32", "day value '32' out of range (1..31)"],
    ["12:00:60", "second value '60' out of range (0..59)"],
    ["5..3", "minute range start '5' is bigger than its end '3'"],
    ["UTC", "missing date or time before 'UTC'"],
    ["12:00 utc", "unexpected ' utc' (unused parts)"],
    ["mon,", "expected a weekday"],
    ["*-*-L", "expected a number for the day"],
    ["*-*-1~", "unexpected '~' (unused parts)"],
    ["99999999999", "number '99999999999' is too large"],
  ])("rejects %j: %s", (spec, reason) => {
    expect(() => parseCalendarEvent(spec)).toThrow(CalendarEventError);
    expect(validateCalendarEvent(spec)).toEqual({ ok: false, error: `invalid calendar event '${spec}' - ${reason}` });
  });

  it("reports where the problem is", () => {
    try {
      parseCalendarEvent("mon..fri 8..17:00/61");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CalendarEventError);
      expect((err as CalendarEventError).position).toBe(18);
    }
  });

  it("accepts every GUI preset", () => {
    for (const preset of SCHEDULE_PRESETS) expect(validateCalendarEvent(preset.value)).toEqual({ ok: true });
  });
});
