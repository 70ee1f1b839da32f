import type { DateTimeValue } from "./event-types";

export function single(value: number): DateTimeValue {
  return { kind: "single", start: value, end: value, step: 0 };
}

export function range(start: number, end: number): DateTimeValue {
  return { kind: "range", start, end, step: 1 };
}

export function repeated(start: number, step: number, end: number | null): DateTimeValue {
  return { kind: "repeated", start, end, step };
}

export function listContains(list: readonly DateTimeValue[], x: number): boolean {
  for (const v of list) {
    if (x < v.start) continue;
    // proxmox-time treats a repetition of 0 as "the start value only", ignoring its end.
    if (v.step === 0) {
      if (x === v.start) return true;
      continue;
    }
    if (v.end !== null && x > v.end) continue;
    if ((x - v.start) % v.step === 0) return true;
  }
  return false;
}

/**
 * Smallest member of the list strictly greater than `x`, or -1. Like proxmox-time's
 * `find_next`, an open repetition is not capped at the field maximum: `*\/7` after
 * minute 57 answers 63, which the caller normalises into minute 3 of the next hour
 * (so Proxmox skips minute 0 there).
 */
export function listFindNext(list: readonly DateTimeValue[], x: number): number {
  let best = -1;
  for (const v of list) {
    let n: number;
    if (x < v.start) {
      n = v.start;
    } else if (v.step === 0) {
      continue;
    } else {
      n = v.start + (Math.floor((x - v.start) / v.step) + 1) * v.step;
      if (v.end !== null && n > v.end) continue;
    }
    if (best < 0 || n < best) best = n;
  }
  return best;
}
