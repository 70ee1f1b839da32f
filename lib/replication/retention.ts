import { forEachKnownSegment, secondsOverRpo, summarizeCompliance } from "./lag-series";
import type { RpoCompliance, SegmentOptions, TimeRange } from "./lag-series";
import type { LagSample } from "./types";

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/**
 * How long lag history is kept, per job. Lag between syncs is exactly t − last_sync, a straight
 * line, so density only matters around syncs: raw samples at most one a minute plus both sides
 * of every drop (see selectSamplesToStore) redraw every poll's sawtooth exactly, and a 7-day chart
 * at 2,000 points needs only one point per 5 minutes anyway. Rollups keep min and max, so peaks
 * survive every tier, and keep over-RPO and covered seconds, so compliance over any range stays
 * exact after the raw samples are gone. 5-minute rollups serve ranges between a week and a month
 * at full chart resolution; beyond that 2,000 points are an hour apart or more, which hourly
 * rollups give for two years. About 38k rows per job (10k raw, 10k 5-min, 17.5k hourly), against
 * 84k for 15-s raw for 7 days, 5-min for 90 days and hourly for 2 years; SQLite stays small with
 * thousands of jobs.
 */
export const RETENTION_POLICY = {
  raw: { maxAgeSeconds: 7 * DAY, minSpacingSeconds: MINUTE },
  rollups: [
    { bucketSeconds: 5 * MINUTE, maxAgeSeconds: 35 * DAY },
    { bucketSeconds: HOUR, maxAgeSeconds: 2 * 365 * DAY },
  ],
} as const;

/**
 * How long runs and their logs are kept. A log (about 1.5 KiB for an incremental run) is most of a
 * run's bytes: unpruned, a `*\/15` job's runs grow by about 55 MiB a year. An OK run is kept with
 * its log for a week (the job page's run history and throughput: 672 runs of a `*\/15` job); the
 * row goes with the log, because SQLite leaves a row whose log was cleared on a page laid out for
 * the log, so clearing alone saved little (npm run bench -- history). A failed (or vanished) run's
 * log is what an operator reads to find out why: kept three months, and its row two years, like
 * the hourly lag rollups, so a year's lag chart still marks every failure. Runs still running or
 * without an end are never pruned.
 */
export const RUN_RETENTION = {
  ok: { logMaxAgeSeconds: 7 * DAY, rowMaxAgeSeconds: 7 * DAY },
  failed: { logMaxAgeSeconds: 90 * DAY, rowMaxAgeSeconds: 2 * 365 * DAY },
} as const;

export type LagRollup = {
  /** Aligned to multiples of bucketSeconds since the epoch, so hourly buckets merge 5-min ones. */
  bucketStart: number;
  bucketSeconds: number;
  /** Over the samples in the bucket; null when it has none (only covered by an earlier sample). */
  minLag: number | null;
  maxLag: number | null;
  avgLag: number | null;
  count: number;
  /** Seconds of the bucket with a known lag (see computeRpoCompliance). */
  coveredSeconds: number;
  /** Seconds of the bucket with lag above the RPO in force when the rollup was made. */
  overRpoSeconds: number;
};

/**
 * Which polled samples to store raw: one per `minSpacingSeconds`, plus both sides of every drop
 * (the peak polled just before a sync finished, and the sample after it) and of every change
 * between known and unknown lag. `previousPolled` is the last sample polled, stored or not.
 */
export function selectSamplesToStore(
  lastStored: LagSample | undefined,
  previousPolled: LagSample | undefined,
  current: LagSample,
  minSpacingSeconds: number = RETENTION_POLICY.raw.minSpacingSeconds,
): LagSample[] {
  if (lastStored === undefined) return [current];
  if (current.t <= lastStored.t) return [];
  const before = previousPolled !== undefined && previousPolled.t > lastStored.t ? previousPolled : undefined;
  const reference = previousPolled ?? lastStored;
  const dropped = reference.lag !== null && current.lag !== null && current.lag < reference.lag;
  const knownChanged = (reference.lag === null) !== (current.lag === null);
  if (dropped || knownChanged) return before ? [before, current] : [current];
  return current.t - lastStored.t >= minSpacingSeconds ? [current] : [];
}

/**
 * Rolls raw samples up into aligned buckets of `bucketSeconds`. Covered and over-RPO seconds
 * follow computeRpoCompliance, with the last sample extended to `until` (default: not at all);
 * include the first sample after the last bucket, or pass `until`, to close it. A bucket reached
 * only by an earlier sample's stretch has count 0 and null min/max/avg.
 */
export function rollupSamples(
  samples: readonly LagSample[],
  bucketSeconds: number,
  rpoSeconds: number,
  options: SegmentOptions & { until?: number } = {},
): LagRollup[] {
  assertBucketSeconds(bucketSeconds);
  const buckets = new Map<number, LagRollup & { sum: number }>();
  const bucketAt = (start: number) => {
    let bucket = buckets.get(start);
    if (!bucket) {
      bucket = { bucketStart: start, bucketSeconds, minLag: null, maxLag: null, avgLag: null, count: 0, coveredSeconds: 0, overRpoSeconds: 0, sum: 0 };
      buckets.set(start, bucket);
    }
    return bucket;
  };

  for (const sample of samples) {
    if (sample.lag === null) continue;
    const bucket = bucketAt(alignDown(sample.t, bucketSeconds));
    bucket.count++;
    bucket.sum += sample.lag;
    bucket.minLag = bucket.minLag === null ? sample.lag : Math.min(bucket.minLag, sample.lag);
    bucket.maxLag = bucket.maxLag === null ? sample.lag : Math.max(bucket.maxLag, sample.lag);
  }

  const until = options.until ?? samples.at(-1)?.t ?? 0;
  forEachKnownSegment(samples, until, options, (start, end, lagAtStart) => {
    for (let from = start; from < end; ) {
      const bucketStart = alignDown(from, bucketSeconds);
      const to = Math.min(end, bucketStart + bucketSeconds);
      const bucket = bucketAt(bucketStart);
      bucket.coveredSeconds += to - from;
      bucket.overRpoSeconds += secondsOverRpo(from, to, lagAtStart + (from - start), rpoSeconds);
      from = to;
    }
  });

  return [...buckets.values()]
    .sort((a, b) => a.bucketStart - b.bucketStart)
    .map(({ sum, ...bucket }) => ({ ...bucket, avgLag: bucket.count > 0 ? sum / bucket.count : null }));
}

/** Merges rollups into coarser aligned buckets (e.g. 5-min into hourly); averages weigh by count. */
export function mergeRollups(rollups: readonly LagRollup[], bucketSeconds: number): LagRollup[] {
  assertBucketSeconds(bucketSeconds);
  const merged = new Map<number, LagRollup>();
  for (const r of rollups) {
    if (bucketSeconds % r.bucketSeconds !== 0) {
      throw new RangeError(`cannot merge ${r.bucketSeconds}-s rollups into ${bucketSeconds}-s buckets`);
    }
    const start = alignDown(r.bucketStart, bucketSeconds);
    const m = merged.get(start);
    if (!m) {
      merged.set(start, { ...r, bucketStart: start, bucketSeconds });
      continue;
    }
    const count = m.count + r.count;
    m.avgLag = count > 0 ? ((m.avgLag ?? 0) * m.count + (r.avgLag ?? 0) * r.count) / count : null;
    m.minLag = minOf(m.minLag, r.minLag);
    m.maxLag = maxOf(m.maxLag, r.maxLag);
    m.count = count;
    m.coveredSeconds += r.coveredSeconds;
    m.overRpoSeconds += r.overRpoSeconds;
  }
  return [...merged.values()].sort((a, b) => a.bucketStart - b.bucketStart);
}

/**
 * computeRpoCompliance over rollups. A bucket cut by the range edge counts in proportion to its
 * overlap (its seconds are not located within the bucket).
 */
export function computeRpoComplianceFromRollups(rollups: readonly LagRollup[], range: TimeRange): RpoCompliance {
  let within = 0;
  let over = 0;
  for (const r of rollups) {
    const overlap = Math.min(range.to, r.bucketStart + r.bucketSeconds) - Math.max(range.from, r.bucketStart);
    if (overlap <= 0) continue;
    const share = overlap / r.bucketSeconds;
    over += r.overRpoSeconds * share;
    within += (r.coveredSeconds - r.overRpoSeconds) * share;
  }
  return summarizeCompliance(within, over, Math.max(0, range.to - range.from));
}

function alignDown(t: number, size: number): number {
  return Math.floor(t / size) * size;
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}

function assertBucketSeconds(bucketSeconds: number): void {
  if (!Number.isInteger(bucketSeconds) || bucketSeconds <= 0) {
    throw new RangeError(`bucketSeconds must be a positive integer, got ${bucketSeconds}`);
  }
}
