// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01),
// so the UTC path needs no Date objects at all.

/** Day number of year/month(1-12)/day; day may be out of range and simply carries. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Like libc's timegm: fields may be out of range (month 12, hour 24, minute 63…). */
export function naiveSeconds(
  year: number,
  mon0: number,
  mday: number,
  hour: number,
  min: number,
  sec: number,
): number {
  const carry = Math.floor(mon0 / 12);
  const days = daysFromCivil(year + carry, mon0 - carry * 12 + 1, 1) + mday - 1;
  return days * 86400 + hour * 3600 + min * 60 + sec;
}

/** Broken-down time, named after libc's struct tm (mon0 is 0-based, wday 0 = Sunday). */
export type BrokenDown = {
  year: number;
  mon0: number;
  mday: number;
  hour: number;
  min: number;
  sec: number;
  wday: number;
};

/** Fills `tm` from seconds since the epoch in a zone-free (naive) timeline. */
export function splitNaive(naive: number, tm: BrokenDown): void {
  const days = Math.floor(naive / 86400);
  let rest = naive - days * 86400;
  tm.hour = Math.floor(rest / 3600);
  rest -= tm.hour * 3600;
  tm.min = Math.floor(rest / 60);
  tm.sec = rest - tm.min * 60;
  tm.wday = (((days + 4) % 7) + 7) % 7;

  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  tm.mday = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  tm.mon0 = month - 1;
  tm.year = yoe + era * 400 + (month <= 2 ? 1 : 0);
}
