import { formatDuration } from "./format-duration";

// Client-safe wording for times on the cluster clock. `now` is always the cluster's now (the
// API sends it as clusterNow), never the browser's clock, which may be skewed.

export function formatAgo(at: number | null | undefined, now: number): string {
  if (!at) return "Never";
  const seconds = now - at;
  return seconds < 5 ? "just now" : `${formatDuration(seconds)} ago`;
}

/** Proxmox's next_sync: 0 = nothing scheduled, 1 = removal pending. */
export function formatUntil(at: number | null | undefined, now: number): string {
  if (!at || at <= 1) return "—";
  return at <= now ? "due now" : `in ${formatDuration(at - now)}`;
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  return formatDuration(seconds);
}

/** Absolute time in the viewer's zone (with the zone named), for tooltips and tables. */
export function formatDateTime(at: number | null | undefined, timeZone?: string): string {
  if (!at) return "—";
  return new Date(at * 1000).toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone, timeZoneName: "short" });
}
