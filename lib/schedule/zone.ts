import { daysFromCivil } from "./civil";

// UTC offsets come from the platform's Intl (ICU tz data), never a hand-rolled table.
// Intl answers "offset at instant t"; libc's mktime answers the inverse, which we
// emulate below. Intl calls cost microseconds, so offsets are cached per 6-hour block:
// a block whose two ends agree is taken as constant (no real zone changes its offset
// twice within 6 hours), otherwise the transition second is found by bisection once.
const BLOCK = 6 * 3600;
const MAX_BLOCKS = 50_000;
const UTC_NAMES = new Set(["UTC", "Etc/UTC", "GMT", "Etc/GMT", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu"]);

type Shift = { at: number; before: number; after: number };

// Debian builds tzdata in its main format, where these zones have negative DST: winter
// (or Ramadan) time is the one flagged tm_isdst. Years are when that applies.
const NEGATIVE_DST = new Map<string, [number, number]>([
  ["Europe/Dublin", [1972, 9999]],
  ["Eire", [1972, 9999]],
  ["Africa/Windhoek", [1994, 2017]],
  ["Africa/Casablanca", [2019, 9999]],
  ["Africa/El_Aaiun", [2019, 9999]],
]);

export class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly blocks = new Map<number, number | Shift>();
  private readonly dstRules = new Map<number, { negative: boolean; bound: number }>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  /** Seconds east of UTC in effect at Unix time `t`. */
  offsetAt(t: number): number {
    const key = Math.floor(t / BLOCK);
    let entry = this.blocks.get(key);
    if (entry === undefined) entry = this.fillBlock(key);
    if (typeof entry === "number") return entry;
    return t < entry.at ? entry.before : entry.after;
  }

  /**
   * Intl has no tm_isdst. We call an offset "DST" when it exceeds the smaller of the
   * year's January and July offsets, which is right for every zone with ordinary
   * summer time; NEGATIVE_DST lists the exceptions. Only the choice inside a
   * spring-forward gap depends on it.
   */
  isDst(t: number, offset: number): boolean {
    const year = Math.floor(t / 31_556_952) + 1970;
    let rule = this.dstRules.get(year);
    if (rule === undefined) {
      const jan = this.offsetAt(daysFromCivil(year, 1, 1) * 86400);
      const jul = this.offsetAt(daysFromCivil(year, 7, 1) * 86400);
      const span = NEGATIVE_DST.get(this.timeZone);
      const negative = span !== undefined && year >= span[0] && year <= span[1];
      rule = negative ? { negative, bound: Math.max(jan, jul) } : { negative, bound: Math.min(jan, jul) };
      this.dstRules.set(year, rule);
    }
    return rule.negative ? offset < rule.bound : offset > rule.bound;
  }

  private fillBlock(key: number): number | Shift {
    if (this.blocks.size >= MAX_BLOCKS) this.blocks.clear();
    const start = key * BLOCK;
    const before = this.measure(start);
    const after = this.measure(start + BLOCK);
    let entry: number | Shift = before;
    if (before !== after) {
      let lo = start;
      let hi = start + BLOCK;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.measure(mid) === before) lo = mid;
        else hi = mid;
      }
      entry = { at: hi, before, after };
    }
    this.blocks.set(key, entry);
    return entry;
  }

  private measure(t: number): number {
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const part of this.format.formatToParts(new Date(t * 1000))) {
      switch (part.type) {
        case "year": year = Number(part.value); break;
        case "month": month = Number(part.value); break;
        case "day": day = Number(part.value); break;
        case "hour": hour = Number(part.value) % 24; break;
        case "minute": minute = Number(part.value); break;
        case "second": second = Number(part.value); break;
        case "era": bc = part.value === "BC" || part.value === "B"; break;
        default: break;
      }
    }
    if (bc) year = 1 - year;
    return daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - t;
  }
}

const zones = new Map<string, ZoneOffsets>();

/**
 * The offset source for an IANA zone name, or null for UTC (handled by pure arithmetic).
 * Throws RangeError for a zone the platform does not know.
 */
export function getZone(timeZone: string): ZoneOffsets | null {
  if (UTC_NAMES.has(timeZone)) return null;
  let zone = zones.get(timeZone);
  if (!zone) {
    try {
      zone = new ZoneOffsets(timeZone);
    } catch {
      throw new RangeError(`unknown time zone '${timeZone}'`);
    }
    if (zones.size >= 500) zones.clear();
    zones.set(timeZone, zone);
  }
  return zone;
}

/**
 * glibc mktime(3) with tm_isdst = -1 (proxmox-time's `timelocal`): probe with the
 * offset its previous call found, then correct by the observed error. A nonexistent
 * local time (spring-forward gap) makes the probes oscillate; glibc then keeps the DST
 * side, so 02:30 on a CET→CEST day becomes 03:30 CEST. An ambiguous time (fall-back)
 * resolves to whichever offset the guess hits first. `state.guess` carries glibc's
 * static `localtime_offset` between calls. Returns null where glibc returns -1.
 */
export function mktime(zone: ZoneOffsets, naive: number, sec: number, state: { guess: number }): number | null {
  // glibc solves with tm_sec clamped to 0..59 and adds the excess back afterwards.
  const extra = sec > 59 ? sec - 59 : 0;
  const wanted = naive - extra;
  let t = wanted - state.guess;
  let t1 = t;
  let t2 = t;
  let dst2 = false;
  let probes = 6;
  for (;;) {
    const offset = zone.offsetAt(t);
    const dt = wanted - (t + offset);
    if (dt === 0) break;
    const dst = zone.isDst(t, offset);
    if (t === t1 && t !== t2 && (!dst2 || dst)) break;
    if (--probes === 0) return null;
    t1 = t2;
    t2 = t;
    t += dt;
    dst2 = dst;
  }
  state.guess = wanted - t;
  return t + extra;
}
