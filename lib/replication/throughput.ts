// Proxmox does not report how much a run sent; its log does, in the `zfs send` estimate lines
// ("total estimated size is 1.25G", pve-storage ZFSPoolPlugin volume_export). Pure and client-safe.

const UNIT_POWERS: Record<string, number> = { B: 0, K: 1, M: 2, G: 3, T: 4, P: 5 };
const TOTAL_LINE = /total estimated size is\s+([\d.]+)\s*([BKMGTP])/i;

/** Bytes the run sent, summed over its volumes, or null when the log has no estimate. */
export function parseSentBytes(log: string | null | undefined): number | null {
  if (!log) return null;
  let total = 0;
  let found = false;
  for (const line of log.split("\n")) {
    const match = TOTAL_LINE.exec(line);
    if (!match) continue;
    const power = UNIT_POWERS[(match[2] ?? "B").toUpperCase()] ?? 0;
    total += Number(match[1]) * 1024 ** power;
    found = true;
  }
  return found ? Math.round(total) : null;
}

/** Bytes per second over the whole run (snapshots and cleanup included), or null when unknown. */
export function computeThroughput(bytes: number | null, durationSeconds: number | null): number | null {
  if (bytes === null || durationSeconds === null || durationSeconds <= 0) return null;
  return bytes / durationSeconds;
}
