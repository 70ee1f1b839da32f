/**
 * How much a guest writes. Real workloads follow the working day, so the average rate is
 * modulated by a sine with its peak at 14:00 local time and its trough at 02:00; the
 * closed-form integral keeps a 24 h replay cheap.
 */
const DAY = 86_400;
const AMPLITUDE = 0.6;
const PEAK_PHASE = 8 / 24; // sin(2π(h/24 - 8/24)) peaks at h = 14

export function changedBytes(avgBytesPerSec: number, from: number, to: number, utcOffsetSec = 0): number {
  if (to <= from || avgBytesPerSec <= 0) return 0;
  const phase = (t: number) => 2 * Math.PI * ((t + utcOffsetSec) / DAY - PEAK_PHASE);
  const integral = to - from + ((AMPLITUDE * DAY) / (2 * Math.PI)) * (Math.cos(phase(from)) - Math.cos(phase(to)));
  return Math.max(0, avgBytesPerSec * integral);
}

/** `zfs send -v` style sizes: 1.36M, 3.20G (binary units, two decimals, like ZFS's zfs_nicenum). */
export function zfsSize(bytes: number): string {
  const units = ["B", "K", "M", "G", "T", "P"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)}B`;
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)}${units[unit]}`;
}
