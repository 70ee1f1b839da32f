import { ALL_WEEKDAYS } from "./event-types";
import type { CalendarEvent, DateTimeValue } from "./event-types";
import { listContains } from "./field-values";
import { parseSpec } from "./parse";

const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTH_NAMES = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];
const WEEK_OF_MONTH = new Map([[1, "first"], [8, "second"], [15, "third"], [22, "fourth"]]);

type TimePhrase = { text: string; everyHour: boolean };

/**
 * Short English description for tables and the job form, e.g. "every 15 minutes",
 * "weekdays 08:00 to 17:30 every 30 minutes", "daily at 00:00". Throws like
 * parseCalendarEvent for invalid text.
 */
export function describeCalendarEvent(spec: string | CalendarEvent): string {
  const event = typeof spec === "string" ? parseSpec(spec) : spec;
  const time = describeTime(event);
  const date = describeDate(event);
  const days = event.weekdays === ALL_WEEKDAYS ? 0 : event.weekdays;
  const utc = event.utc ? " (UTC)" : "";

  if (time.everyHour) {
    const parts = [time.text, days ? weekdaysSuffix(days) : "", date ?? ""].filter((p) => p !== "");
    return parts.join(", ") + utc;
  }
  const prefix = datePrefix(event, days, date) ?? weekdaysPrefix(days);
  return `${prefix} ${time.text}${utc}`;
}

function describeTime(e: CalendarEvent): TimePhrase {
  const defaultSecond = isOnly(e.second, 0);
  const seconds = defaultSecond ? "" : `, at ${valuesText(e.second, 0, 59, "second")}`;
  const step = openStep(e.minute);

  if (e.hour.length === 0) {
    if (e.minute.length === 0) {
      if (e.second.length === 0) return { text: "every second", everyHour: true };
      return { text: `every minute${seconds}`, everyHour: true };
    }
    if (step !== null && defaultSecond) {
      return { text: step === 1 ? "every minute" : `every ${step} minutes`, everyHour: true };
    }
    if (isOnly(e.minute, 0) && defaultSecond) return { text: "every hour", everyHour: true };
    return { text: `at ${valuesText(e.minute, 0, 59, "minute")} of every hour${seconds}`, everyHour: true };
  }

  const hours = members(e.hour, 0, 23);
  const minutes = members(e.minute, 0, 59);
  if (hours.length * minutes.length <= 4 && hours.length > 0 && minutes.length > 0) {
    const clock = hours.flatMap((h) => minutes.map((m) => `${pad(h)}:${pad(m)}`));
    return { text: `at ${joinWords(clock)}${seconds}`, everyHour: false };
  }
  const hourStep = hours.length > 2 ? uniformStep(hours) : null;
  const onlyMinute = minutes.length === 1 ? minutes[0] : undefined;
  if (hourStep !== null && onlyMinute !== undefined && hours[0] !== undefined) {
    const every = hourStep === 1 ? "every hour" : `every ${hourStep} hours`;
    const first = hours[0];
    const last = hours[hours.length - 1] ?? first;
    if (first === 0 && last + hourStep === 24) {
      return { text: `${every}${onlyMinute === 0 ? "" : ` at minute ${onlyMinute}`}${seconds}`, everyHour: true };
    }
    return { text: `${every} from ${pad(first)}:${pad(onlyMinute)} to ${pad(last)}:${pad(onlyMinute)}${seconds}`, everyHour: false };
  }

  const firstHour = hours[0];
  const lastHour = hours[hours.length - 1];
  const contiguous = firstHour !== undefined && lastHour !== undefined && lastHour - firstHour === hours.length - 1;
  const minuteStep = uniformStep(minutes);
  if (contiguous && minuteStep !== null && minutes[0] !== undefined) {
    const lastMinute = minutes[minutes.length - 1] ?? 0;
    const every = minuteStep === 60 ? "every hour" : `every ${minuteStep} minutes`;
    const window = `${pad(firstHour)}:${pad(minutes[0])} to ${pad(lastHour)}:${pad(lastMinute)}`;
    return { text: `${window} ${every}${seconds}`, everyHour: false };
  }
  const minuteText = e.minute.length === 0 ? "every minute" : `at ${valuesText(e.minute, 0, 59, "minute")}`;
  return { text: `${minuteText} of ${valuesText(e.hour, 0, 23, "hour")}${seconds}`, everyHour: false };
}

function describeDate(e: CalendarEvent): string | null {
  if (e.year.length === 0 && e.month.length === 0 && e.day.length === 0) return null;
  const years = e.year.length === 0 ? "" : ` ${valuesText(e.year, 1970, 2199, "")}`;
  if (e.month.length === 0 && e.day.length === 0) return `in${years}`;
  const dayText = e.day.length === 0 ? "every day" : `on ${valuesText(e.day, 1, 31, "day", true)}`;
  if (e.month.length === 0) return `${dayText} of every month${years ? ` in${years}` : ""}`;
  const months = members(e.month, 1, 12).map((m) => MONTH_NAMES[m - 1] ?? String(m));
  const monthText = months.length > 0 ? joinWords(months) : "no month";
  if (e.day.length === 0) return `every day in ${monthText}${years}`;
  return `${dayText} of ${monthText}${years}`;
}

// "sat *-1..7" is how Proxmox users say "first Saturday of the month".
function datePrefix(e: CalendarEvent, days: number, date: string | null): string | null {
  const d = e.day[0];
  const nth = d && e.day.length === 1 && d.kind === "range" && d.end === d.start + 6 && WEEK_OF_MONTH.get(d.start);
  const dayIndex = Math.log2(days);
  if (nth && Number.isInteger(dayIndex) && e.month.length === 0 && e.year.length === 0) {
    return `${nth} ${DAY_NAMES[dayIndex]} of every month`;
  }
  if (date === null) return null;
  if (days === 0 && e.year.length === 0 && e.month.length === 0 && isOnly(e.day, 1)) return "monthly on the 1st";
  if (days === 0 && e.year.length === 0 && isOnly(e.month, 1) && isOnly(e.day, 1)) return "yearly on 1 January";
  return days ? `${date}, ${weekdaysSuffix(days)},` : date;
}

function weekdaysPrefix(days: number): string {
  if (days === 0) return "daily";
  if (days === 0x1f) return "weekdays";
  if (days === 0x60) return "weekends";
  const names = dayNames(days);
  return names.length === 1 ? `every ${names[0]}` : weekdaysText(days);
}

function weekdaysSuffix(days: number): string {
  if (days === 0x60) return "on weekends";
  const names = dayNames(days);
  return names.length === 1 ? `on ${names[0]}s` : weekdaysText(days);
}

// A run of 3+ days reads "Friday to Monday"; runs may wrap past Sunday like fri..mon.
function weekdaysText(days: number): string {
  const names = dayNames(days);
  const count = names.length;
  if (count >= 3 && count < 7) {
    for (let start = 0; start < 7; start++) {
      const inRun = (k: number) => (days & (1 << ((start + k) % 7))) !== 0;
      if (!inRun(0) || inRun(-1 + 7)) continue;
      if ([...Array(count).keys()].every(inRun)) {
        return `${DAY_NAMES[start]} to ${DAY_NAMES[(start + count - 1) % 7]}`;
      }
    }
  }
  return joinWords(names);
}

function dayNames(days: number): string[] {
  return DAY_NAMES.filter((_, d) => days & (1 << d));
}

/** Step of a lone open repetition starting at 0 (`*\/15`, `0/15`), else null. */
function openStep(list: readonly DateTimeValue[]): number | null {
  const v = list[0];
  return list.length === 1 && v && v.kind === "repeated" && v.start === 0 && v.end === null && v.step > 0
    ? v.step
    : null;
}

function uniformStep(values: number[]): number | null {
  if (values.length === 1) return 60;
  const a = values[0] ?? 0;
  const b = values[1] ?? 0;
  const step = b - a;
  return values.every((v, i) => v === a + i * step) ? step : null;
}

function members(list: readonly DateTimeValue[], lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let v = lo; v <= hi; v++) if (list.length === 0 || listContains(list, v)) out.push(v);
  return out;
}

function valuesText(list: readonly DateTimeValue[], lo: number, hi: number, unit: string, ordinal = false): string {
  const all = members(list, lo, hi);
  const label = (n: number) => (ordinal ? ordinalOf(n) : String(n));
  const noun = unit === "" ? "" : all.length === 1 ? `${unit} ` : `${unit}s `;
  const prefix = ordinal ? "the " : noun;
  if (all.length === 0) return `${prefix}(never)`;
  if (all.length <= 6) return prefix + joinWords(all.map(label));
  const items = list.map((v) =>
    v.kind === "single"
      ? label(v.start)
      : v.kind === "range"
        ? `${label(v.start)} to ${label(v.end ?? hi)}`
        : `every ${v.step} from ${label(v.start)}${v.end === null ? "" : ` to ${label(v.end)}`}`,
  );
  return prefix + joinWords(items);
}

function isOnly(list: readonly DateTimeValue[], value: number): boolean {
  const v = list[0];
  return list.length === 1 && v !== undefined && v.kind === "single" && v.start === value;
}

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function ordinalOf(n: number): string {
  const suffix = n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th";
  return `${n}${suffix}`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
