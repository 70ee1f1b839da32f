import { naiveSeconds, splitNaive } from "./civil";
import type { BrokenDown } from "./civil";
import { ALL_WEEKDAYS, CalendarEventError } from "./event-types";
import type { CalendarEvent } from "./event-types";
import { listContains, listFindNext } from "./field-values";
import { mktime } from "./zone";
import type { ZoneOffsets } from "./zone";

// proxmox-time gives up after this many passes and reports "no event".
const MAX_PASSES = 1000;

/**
 * proxmox-time's `compute_next_event`: start one second after `last`, then fix year,
 * month, day, weekday, hour, minute, second in that order, each correction resetting
 * the smaller fields and renormalising through timegm/mktime. `zone` null means UTC.
 */
export function computeNextEvent(event: CalendarEvent, last: number, zone: ZoneOffsets | null): number | null {
  const tm = new TmEditor(zone, last + 1);
  const days = event.weekdays;
  const anyDay = days === 0 || days === ALL_WEEKDAYS;
  const { year, month, day, hour, minute, second } = event;

  for (let pass = 0; ; pass++) {
    if (pass > MAX_PASSES) return null;

    if (year.length > 0 && !listContains(year, tm.year)) {
      const n = listFindNext(year, tm.year);
      if (n < 0) return null;
      tm.addYears(n - tm.year);
      continue;
    }
    if (month.length > 0 && !listContains(month, tm.mon0 + 1)) {
      const n = listFindNext(month, tm.mon0 + 1);
      if (n < 0) tm.addYears(1);
      else tm.addMonths(n - tm.mon0 - 1);
      continue;
    }
    if (day.length > 0 && !listContains(day, tm.mday)) {
      const n = listFindNext(day, tm.mday);
      if (n < 0) tm.addMonths(1);
      else tm.addDays(n - tm.mday);
      continue;
    }
    if (!anyDay) {
      const dayNum = (tm.wday + 6) % 7;
      if ((days & (1 << dayNum)) === 0) {
        let d = dayNum + 1;
        while (d < 7 && (days & (1 << d)) === 0) d++;
        tm.addDays(d - dayNum);
        continue;
      }
    }
    if (hour.length > 0 && !listContains(hour, tm.hour)) {
      const n = listFindNext(hour, tm.hour);
      if (n < 0) tm.addDays(1);
      else tm.setTime(n, 0, 0);
      continue;
    }
    if (minute.length > 0 && !listContains(minute, tm.min)) {
      const n = listFindNext(minute, tm.min);
      if (n < 0) tm.setTime(tm.hour + 1, 0, 0);
      else tm.setTime(tm.hour, n, 0);
      continue;
    }
    if (second.length > 0 && !listContains(second, tm.sec)) {
      const n = listFindNext(second, tm.sec);
      if (n < 0) tm.setTime(tm.hour, tm.min + 1, 0);
      else tm.setTime(tm.hour, tm.min, n);
      continue;
    }
    return tm.toEpoch();
  }
}

/** proxmox-time's TmEditor over a libc `struct tm`: every edit renormalises. */
class TmEditor implements BrokenDown {
  year = 1970;
  mon0 = 0;
  mday = 1;
  hour = 0;
  min = 0;
  sec = 0;
  wday = 4;
  // glibc's mktime starts from the offset its previous call found. We seed it with
  // the offset at the search start, i.e. a process whose last conversion was "now".
  private readonly state = { guess: 0 };

  constructor(
    private readonly zone: ZoneOffsets | null,
    epoch: number,
  ) {
    const offset = zone ? zone.offsetAt(epoch) : 0;
    this.state.guess = offset;
    splitNaive(epoch + offset, this);
  }

  addYears(years: number): void {
    this.year += years;
    this.mon0 = 0;
    this.mday = 1;
    this.setTime(0, 0, 0);
  }

  addMonths(months: number): void {
    this.mon0 += months;
    this.mday = 1;
    this.setTime(0, 0, 0);
  }

  addDays(days: number): void {
    this.mday += days;
    this.setTime(0, 0, 0);
  }

  setTime(hour: number, min: number, sec: number): void {
    this.hour = hour;
    this.min = min;
    this.sec = sec;
    this.normalize();
  }

  toEpoch(): number {
    return this.normalize();
  }

  private normalize(): number {
    const naive = naiveSeconds(this.year, this.mon0, this.mday, this.hour, this.min, this.sec);
    const zone = this.zone;
    const epoch = zone ? mktime(zone, naive, this.sec, this.state) : naive;
    // libc signals failure with -1, so proxmox-time also fails for the real second -1.
    if (epoch === null || epoch === -1) {
      throw new CalendarEventError("unable to compute next event - local time conversion failed", "", null);
    }
    splitNaive(zone ? epoch + zone.offsetAt(epoch) : epoch, this);
    return epoch;
  }
}
