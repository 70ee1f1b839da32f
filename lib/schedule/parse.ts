import { ALL_WEEKDAYS, CalendarEventError } from "./event-types";
import type { CalendarEvent, DateTimeValue } from "./event-types";
import { range, repeated, single } from "./field-values";

// Field limits from proxmox-time: a value must be below `max`. Months and days accept 0
// (it parses, it just never matches); `start` is where `*/N` begins counting.
type Field = { name: string; start: number; max: number; lo: number };
const YEAR: Field = { name: "year", start: 0, max: 2200, lo: 0 };
const MONTH: Field = { name: "month", start: 1, max: 13, lo: 1 };
const DAY: Field = { name: "day", start: 1, max: 32, lo: 1 };
const HOUR: Field = { name: "hour", start: 0, max: 24, lo: 0 };
const MINUTE: Field = { name: "minute", start: 0, max: 60, lo: 0 };
const SECOND: Field = { name: "second", start: 0, max: 60, lo: 0 };

const WEEKDAYS = new Map<string, number>([
  ["monday", 1], ["mon", 1], ["tuesday", 2], ["tue", 2], ["wednesday", 4], ["wed", 4],
  ["thursday", 8], ["thu", 8], ["friday", 16], ["fri", 16], ["saturday", 32], ["sat", 32],
  ["sunday", 64], ["sun", 64],
]);

const Z = single(0);
const KEYWORDS = new Map<string, Omit<CalendarEvent, "spec" | "utc">>([
  ["minutely", fields(0, [], [], [], [], [], [Z])],
  ["hourly", fields(0, [], [], [], [], [Z], [Z])],
  ["daily", fields(0, [], [], [], [Z], [Z], [Z])],
  ["weekly", fields(1, [], [], [], [Z], [Z], [Z])],
  ["monthly", fields(0, [], [], [single(1)], [Z], [Z], [Z])],
  ["yearly", fields(0, [], [single(1)], [single(1)], [Z], [Z], [Z])],
  ["annually", fields(0, [], [single(1)], [single(1)], [Z], [Z], [Z])],
  ["quarterly", fields(0, [], [1, 4, 7, 10].map(single), [single(1)], [Z], [Z], [Z])],
  ["semiannually", fields(0, [], [single(1), single(7)], [single(1)], [Z], [Z], [Z])],
  ["semi-annually", fields(0, [], [single(1), single(7)], [single(1)], [Z], [Z], [Z])],
]);

type Ok<T> = { pos: number; value: T } | null;
type Problem = { pos: number; message: string; specific: boolean; fit: number };

/**
 * Parses like PVE::CalendarEvent: trim, reject empty, then proxmox-time's nom grammar.
 * The grammar is a PEG with backtracking (`opt`, `separated_list1`), so we follow it
 * step by step; acceptance must match Proxmox exactly, e.g. `25:00` is minute 25, `*\/0`
 * is rejected and `mon,` fails on the dangling comma.
 */
export function parseSpec(input: string): CalendarEvent {
  // PVE::Tools::trim strips \s; the Rust parser itself does not.
  const spec = input.replace(/^\s+|\s+$/g, "");
  if (spec === "") throw new CalendarEventError(`invalid calendar event '${input}' - event is empty`, input, 0);
  const parser = new SpecParser(spec);
  const event = parser.parse();
  if (event) return event;
  const problem = parser.worst ?? { pos: 0, message: "unable to parse calendar event", specific: false, fit: 0 };
  throw new CalendarEventError(`invalid calendar event '${input}' - ${problem.message}`, input, problem.pos);
}

class SpecParser {
  worst: Problem | null = null;
  private body: string;

  constructor(private readonly spec: string) {
    this.body = spec;
  }

  parse(): CalendarEvent | null {
    let s = this.spec;
    // Rust strips the bare suffix "UTC" (so "12:00UTC" is valid) and then only spaces.
    const utc = s.endsWith("UTC");
    if (utc) s = s.slice(0, -3).replace(/ +$/, "");
    this.body = s;

    let weekdays = 0;
    let pos = 0;
    let hasDays = false;
    if (isLetter(s.charCodeAt(0))) {
      const keyword = KEYWORDS.get(s);
      if (keyword) return freeze({ spec: this.spec, utc, ...keyword });
      const days = this.weekdayList(0);
      if (!days) return null;
      weekdays = days.value;
      hasDays = true;
      pos = this.spaces(days.pos);
    }

    const date = this.dateSpec(pos);
    if (date) pos = this.spaces(date.pos);
    const time = this.timeSpec(pos);
    if (time) pos = time.pos;

    if (!hasDays && !date && !time) {
      this.problem(pos, s === "" ? "missing date or time before 'UTC'" : "expected a weekday, date or time", false);
      return null;
    }
    if (pos < s.length) {
      this.problem(pos, `unexpected '${s.slice(pos)}' (unused parts)`, false);
      return null;
    }
    return freeze({
      spec: this.spec,
      utc,
      weekdays,
      year: date?.value[0] ?? [],
      month: date?.value[1] ?? [],
      day: date?.value[2] ?? [],
      hour: time ? time.value[0] : [Z],
      minute: time ? time.value[1] : [Z],
      second: time ? time.value[2] : [Z],
    });
  }

  private weekdayList(pos: number): Ok<number> {
    const first = this.weekdayRange(pos, true);
    if (!first) return null;
    let mask = first.value;
    let p = first.pos;
    while (this.body[p] === ",") {
      const next = this.weekdayRange(p + 1, false);
      if (!next) break;
      mask |= next.value;
      p = next.pos;
    }
    return { pos: p, value: mask };
  }

  private weekdayRange(pos: number, first: boolean): Ok<number> {
    const from = this.weekday(pos, first);
    if (!from) return null;
    if (!this.body.startsWith("..", from.pos)) return from;
    const to = this.weekday(from.pos + 2, false);
    if (!to) return from;
    // Ranges wrap around the week: fri..mon is fri, sat, sun, mon.
    const a = Math.log2(from.value);
    const b = Math.log2(to.value);
    let mask = 0;
    for (let d = a; ; d = (d + 1) % 7) {
      mask |= 1 << d;
      if (d === b) break;
    }
    return { pos: to.pos, value: mask & ALL_WEEKDAYS };
  }

  private weekday(pos: number, first: boolean): Ok<number> {
    let end = pos;
    while (isLetter(this.body.charCodeAt(end))) end++;
    if (end === pos) return this.problem(pos, "expected a weekday", false);
    const word = this.body.slice(pos, end);
    const bit = WEEKDAYS.get(word.toLowerCase());
    if (bit !== undefined) return { pos: end, value: bit };
    if (!first || pos !== 0) return this.problem(pos, `unknown weekday '${word}'`, true);
    const lower = word.toLowerCase();
    const hint = !KEYWORDS.has(lower)
      ? ""
      : lower !== word
        ? ` (keywords are lowercase: '${lower}')`
        : ` (a keyword like '${word}' must stand alone, optionally followed by UTC)`;
    return this.problem(pos, `unknown weekday or keyword '${word}'${hint}`, true);
  }

  private dateSpec(pos: number): Ok<[DateTimeValue[], DateTimeValue[], DateTimeValue[]]> {
    const y = this.list(pos, YEAR);
    const m = y && this.dash(y.pos) ? this.list(y.pos + 1, MONTH) : null;
    const d = m && this.dash(m.pos) ? this.list(m.pos + 1, DAY) : null;
    if (y && m && d) return { pos: d.pos, value: [y.value, m.value, d.value] };
    const m2 = this.list(pos, MONTH);
    const d2 = m2 && this.dash(m2.pos) ? this.list(m2.pos + 1, DAY) : null;
    if (m2 && d2) return { pos: d2.pos, value: [[], m2.value, d2.value] };
    return null;
  }

  private timeSpec(pos: number): Ok<[DateTimeValue[], DateTimeValue[], DateTimeValue[]]> {
    const h = this.list(pos, HOUR);
    const hasHour = h !== null && this.body[h.pos] === ":";
    const m = this.list(hasHour ? h.pos + 1 : pos, MINUTE);
    if (!m) return null;
    const s = this.body[m.pos] === ":" ? this.list(m.pos + 1, SECOND) : null;
    return {
      pos: s ? s.pos : m.pos,
      value: [hasHour ? h.value : [], m.value, s ? s.value : [Z]],
    };
  }

  private list(pos: number, field: Field): Ok<DateTimeValue[]> {
    if (this.body[pos] === "*") {
      if (this.body[pos + 1] === "/") {
        const rep = this.number(pos + 2, field, "repetition");
        if (!rep) return null;
        if (rep.value > 0) return { pos: rep.pos, value: [repeated(field.start, rep.value, null)] };
        // proxmox-time then leaves "/0" unparsed, so `*\/0` (and `*\/00`) is rejected.
        this.problem(pos + 2, `${field.name} repetition after '*' must be at least 1`, true);
      }
      return { pos: pos + 1, value: [] };
    }
    const first = this.item(pos, field);
    if (!first) return null;
    const items = [first.value];
    let p = first.pos;
    while (this.body[p] === ",") {
      const next = this.item(p + 1, field);
      if (!next) break;
      items.push(next.value);
      p = next.pos;
    }
    return { pos: p, value: items };
  }

  private item(pos: number, field: Field): Ok<DateTimeValue> {
    const a = this.number(pos, field, "value");
    if (!a) return null;
    if (this.body.startsWith("..", a.pos)) {
      const b = this.number(a.pos + 2, field, "range end");
      if (b) {
        if (a.value > b.value) {
          return this.problem(pos, `${field.name} range start '${a.value}' is bigger than its end '${b.value}'`, true);
        }
        if (this.body[b.pos] !== "/") return { pos: b.pos, value: range(a.value, b.value) };
        const rep = this.number(b.pos + 1, field, "repetition");
        return rep && { pos: rep.pos, value: repeated(a.value, rep.value, b.value) };
      }
    }
    if (this.body[a.pos] !== "/") return { pos: a.pos, value: single(a.value) };
    const rep = this.number(a.pos + 1, field, "repetition");
    return rep && { pos: rep.pos, value: repeated(a.value, rep.value, null) };
  }

  private number(pos: number, field: Field, role: string): Ok<number> {
    let end = pos;
    while (isDigit(this.body.charCodeAt(end))) end++;
    if (end === pos) return this.problem(pos, `expected a number for the ${field.name}`, false);
    const text = this.body.slice(pos, end);
    const value = Number(text);
    if (value > 0xffffffff) return this.problem(pos, `number '${text}' is too large`, true);
    if (value >= field.max) {
      const lo = role === "repetition" ? 1 : field.lo;
      const message = `${field.name} ${role} '${text}' out of range (${lo}..${field.max - 1})`;
      return this.problem(pos, message, true, fieldFit(field, this.body.slice(end).split(/\s/)[0] ?? ""));
    }
    return { pos: end, value };
  }

  private dash(pos: number): boolean {
    return this.body[pos] === "-";
  }

  private spaces(pos: number): number {
    while (this.body[pos] === " " || this.body[pos] === "\t") pos++;
    return pos;
  }

  // The most useful problem is the one found furthest into the text; at equal
  // positions a specific one (out of range, unknown weekday) beats "expected …", and
  // then the field the surrounding text suggests (`2200-01-01` is a year, not a minute).
  private problem(pos: number, message: string, specific: boolean, fit = 0): null {
    const w = this.worst;
    const better =
      !w ||
      pos > w.pos ||
      (pos === w.pos && (specific !== w.specific ? specific : fit >= w.fit));
    if (better) this.worst = { pos, message, specific, fit };
    return null;
  }
}

/** How well the text after a number suggests `field`: 2 plausible, 1 fallback, 0 unlikely. */
function fieldFit(field: Field, tail: string): number {
  const dashes = tail.split("-").length - 1;
  switch (field) {
    case YEAR: return dashes >= 2 ? 2 : 0;
    case MONTH: return dashes === 1 ? 2 : 0;
    case DAY: return dashes === 0 && !tail.includes(":") ? 1 : 0;
    case HOUR: return tail.startsWith(":") ? 2 : 0;
    default: return dashes === 0 ? 1 : 0;
  }
}

function fields(
  weekdays: number,
  year: DateTimeValue[],
  month: DateTimeValue[],
  day: DateTimeValue[],
  hour: DateTimeValue[],
  minute: DateTimeValue[],
  second: DateTimeValue[],
): Omit<CalendarEvent, "spec" | "utc"> {
  return { weekdays, year, month, day, hour, minute, second };
}

function freeze(event: CalendarEvent): CalendarEvent {
  // Parsed events are cached and shared between callers.
  for (const list of [event.year, event.month, event.day, event.hour, event.minute, event.second]) {
    for (const item of list) Object.freeze(item);
    Object.freeze(list);
  }
  return Object.freeze(event);
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
