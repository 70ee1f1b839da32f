/** Time formatting as Proxmox's Perl code prints it, in a node's local time zone. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(timeZone: string, t: number): Record<string, string> {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, fmt);
  }
  return Object.fromEntries(fmt.formatToParts(new Date(t * 1000)).map((p) => [p.type, p.value]));
}

/** `strftime("%F %H:%M:%S", localtime)`, the prefix of replication and task log lines. */
export function formatLogTime(t: number, timeZone: string): string {
  if (timeZone === "UTC") return new Date(Math.floor(t) * 1000).toISOString().slice(0, 19).replace("T", " ");
  const p = partsIn(timeZone, t);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** Seconds to add to UTC to get the zone's wall clock (what /nodes/{node}/time calls localtime). */
export function zoneOffsetSeconds(t: number, timeZone: string): number {
  if (timeZone === "UTC") return 0;
  const p = partsIn(timeZone, t);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round(wall / 1000 - Math.floor(t));
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Perl's `scalar gmtime($t)`, e.g. `Tue Nov 14 22:15:00 2023` (day padded with a space). */
export function perlGmtime(t: number): string {
  const d = new Date(t * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${pad(
    d.getUTCHours(),
  )}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** RFC 7231 date for the `Date` header. */
export function httpDate(t: number): string {
  return new Date(t * 1000).toUTCString();
}

/** Perl's `scalar localtime($t)` in a node's time zone (HA status lines), e.g. `Tue Nov 14 22:15:00 2023`. */
export function perlLocaltime(t: number, timeZone: string): string {
  return perlGmtime(Math.floor(t) + zoneOffsetSeconds(t, timeZone));
}
