import type { LagPoint, LagSample } from "./types";

/**
 * Samples further apart than this leave the time between them unknown. The poller samples every
 * 15 s and stores at least one sample a minute, so a few missed polls are still bridged.
 */
export const DEFAULT_MAX_SAMPLE_GAP_SECONDS = 300;

/**
 * Reduces a lag series to at most `maxPoints` for drawing, keeping the first and last point and,
 * in each of ⌊(maxPoints − 2) / 2⌋ equal time buckets, the lowest and the highest sample in time
 * order. Every sample is thus represented by a kept point at least as high within one bucket
 * width, so no peak (and no RPO breach) disappears, and the global maximum is always kept.
 * Buckets without samples stay empty: gaps are not filled. Input must be sorted by `t`.
 * O(n); a year of 15-s samples (2.1 M) to 2,000 points takes well under a second.
 */
export function downsampleLagSeries(points: readonly LagPoint[], maxPoints: number): LagPoint[] {
  const n = points.length;
  const limit = Math.floor(maxPoints);
  if (limit < 1 || n === 0) return [];
  if (n <= limit) return points.slice();

  const first = points[0] as LagPoint;
  const last = points[n - 1] as LagPoint;
  const buckets = Math.floor((limit - 2) / 2);
  const span = last.t - first.t;
  if (buckets < 1 || span <= 0) return pickExtremes(points, limit);

  const minIndex = new Int32Array(buckets).fill(-1);
  const maxIndex = new Int32Array(buckets).fill(-1);
  for (let i = 0; i < n; i++) {
    const p = points[i] as LagPoint;
    const b = Math.min(buckets - 1, Math.floor(((p.t - first.t) / span) * buckets));
    const lo = minIndex[b] as number;
    const hi = maxIndex[b] as number;
    if (lo < 0 || p.lag < (points[lo] as LagPoint).lag) minIndex[b] = i;
    if (hi < 0 || p.lag > (points[hi] as LagPoint).lag) maxIndex[b] = i;
  }

  const kept: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const lo = minIndex[b] as number;
    const hi = maxIndex[b] as number;
    if (lo < 0) continue;
    kept.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  kept.push(n - 1);
  const result: LagPoint[] = [];
  let previous = -1;
  for (const index of kept) {
    if (index === previous) continue;
    result.push(points[index] as LagPoint);
    previous = index;
  }
  return result;
}

export type RpoCompliance = {
  /** Seconds of the range with lag at or below the RPO. */
  withinSeconds: number;
  overSeconds: number;
  /** Seconds without data (no sample, gaps above the max sample gap, unknown lag). */
  unknownSeconds: number;
  /** within / (within + over), or null when nothing in the range is known. */
  compliance: number | null;
  /** (within + over) / range length. */
  coverage: number;
};

export type TimeRange = { from: number; to: number };
export type SegmentOptions = { maxGapSeconds?: number };

/**
 * Time-weighted share of `range` during which the lag was within `rpoSeconds`. Between two
 * samples lag grows by exactly one second per second until a sync finishes (lag = now −
 * last_sync), so each sample is extended along that line up to the next sample (at most
 * `maxGapSeconds`); a sync finishing in between is credited only from the next sample, which
 * can only overstate lag, by at most one sample interval per run. Time not covered this way,
 * or sampled with an unknown lag, is reported as unknown and never counted as compliant.
 */
export function computeRpoCompliance(
  samples: readonly LagSample[],
  rpoSeconds: number,
  range: TimeRange,
  options: SegmentOptions = {},
): RpoCompliance {
  let within = 0;
  let over = 0;
  forEachKnownSegment(samples, range.to, options, (start, end, lagAtStart) => {
    const from = Math.max(start, range.from);
    const to = Math.min(end, range.to);
    if (from >= to) return;
    const overPart = secondsOverRpo(from, to, lagAtStart + (from - start), rpoSeconds);
    over += overPart;
    within += to - from - overPart;
  });
  return summarizeCompliance(within, over, Math.max(0, range.to - range.from));
}

export function summarizeCompliance(within: number, over: number, total: number): RpoCompliance {
  const known = within + over;
  return {
    withinSeconds: within,
    overSeconds: over,
    unknownSeconds: Math.max(0, total - known),
    compliance: known > 0 ? within / known : null,
    coverage: total > 0 ? Math.min(1, known / total) : 0,
  };
}

/**
 * Calls `visit` for every stretch [start, end) whose lag is known: from a sample with a lag to
 * the next sample, cut at `maxGapSeconds`; the last sample extends to `until` (same cut).
 * `lagAtStart` grows by one per second along the stretch. Samples must be sorted by `t`.
 */
export function forEachKnownSegment(
  samples: readonly LagSample[],
  until: number,
  options: SegmentOptions,
  visit: (start: number, end: number, lagAtStart: number) => void,
): void {
  const maxGap = options.maxGapSeconds ?? DEFAULT_MAX_SAMPLE_GAP_SECONDS;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as LagSample;
    if (sample.lag === null) continue;
    const next = samples[i + 1]?.t ?? until;
    const end = Math.min(next, sample.t + maxGap);
    if (end > sample.t) visit(sample.t, end, sample.lag);
  }
}

/** Seconds of [from, to) during which lag (growing 1 s/s from `lagAtFrom`) is strictly above the RPO. */
export function secondsOverRpo(from: number, to: number, lagAtFrom: number, rpoSeconds: number): number {
  const crossesAt = from + Math.max(0, rpoSeconds - lagAtFrom);
  return Math.max(0, to - crossesAt);
}

function pickExtremes(points: readonly LagPoint[], limit: number): LagPoint[] {
  let lo = 0;
  let hi = 0;
  points.forEach((p, i) => {
    if (p.lag < (points[lo] as LagPoint).lag) lo = i;
    if (p.lag > (points[hi] as LagPoint).lag) hi = i;
  });
  const indexes = limit >= 2 && lo !== hi ? [Math.min(lo, hi), Math.max(lo, hi)] : [hi];
  return indexes.map((i) => points[i] as LagPoint);
}
