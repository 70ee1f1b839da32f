const UNITS: readonly [label: string, seconds: number][] = [
  ["d", 86_400],
  ["h", 3_600],
  ["m", 60],
  ["s", 1],
];

/**
 * Compact duration for status messages: the two largest non-zero units, truncated
 * ("45s", "5m", "1h 5m", "3d 4h"). Negative input is treated as its absolute value.
 */
export function formatDuration(seconds: number): string {
  let rest = Math.floor(Math.abs(seconds));
  if (rest === 0) return "0s";
  const parts: string[] = [];
  for (const [label, size] of UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${label}`);
      rest %= size;
    } else if (parts.length > 0) {
      break;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}
