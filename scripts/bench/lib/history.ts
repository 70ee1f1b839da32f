// Synthetic lag history at the poller's real density: a poll every 15 s of a job syncing on its
// schedule, kept or dropped by the poller's own selectSamplesToStore.
import { selectSamplesToStore } from "@/lib/replication/retention";
import type { LagSample } from "@/lib/replication/types";

export const POLL_SECONDS = 15;

/** A job syncing every `periodSeconds` (aligned, as calendar events are), each sync taking `syncSeconds`. */
export type SyncPattern = { periodSeconds: number; syncSeconds: number };

/** The large scenario's schedule mix (*\/5, *\/15 twice, *\/30, hourly). */
export const SCHEDULE_MIX: SyncPattern[] = [
  { periodSeconds: 300, syncSeconds: 12 },
  { periodSeconds: 900, syncSeconds: 25 },
  { periodSeconds: 900, syncSeconds: 25 },
  { periodSeconds: 1800, syncSeconds: 40 },
  { periodSeconds: 3600, syncSeconds: 60 },
];

/**
 * The samples the poller stores for one job polled every 15 s in [from, to): lag = t − last_sync,
 * where last_sync is the start of the last sync that finished. `state` carries the last stored
 * and last polled sample across calls, so a long range can be produced a day at a time.
 */
export function storedSamples(pattern: SyncPattern, from: number, to: number, state: { lastStored?: LagSample; lastPolled?: LagSample } = {}): LagSample[] {
  const out: LagSample[] = [];
  const { periodSeconds: p, syncSeconds: d } = pattern;
  for (let t = from; t < to; t += POLL_SECONDS) {
    // The latest sync start s with s + d <= t.
    const lastSync = Math.floor((t - d) / p) * p;
    const current = { t, lag: t - lastSync };
    const keep = selectSamplesToStore(state.lastStored, state.lastPolled, current);
    out.push(...keep);
    if (keep.length) state.lastStored = keep.at(-1);
    state.lastPolled = current;
  }
  return out;
}
