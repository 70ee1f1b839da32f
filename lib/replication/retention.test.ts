import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { computeRpoCompliance } from "./lag-series";
import {
  computeRpoComplianceFromRollups,
  mergeRollups,
  RETENTION_POLICY,
  rollupSamples,
  selectSamplesToStore,
} from "./retention";
import type { LagSample } from "./types";

const HOUR = 3600;
const T0 = 1_700_000_400; // a multiple of 3600 − 3200: buckets do not start at the first sample

describe("RETENTION_POLICY", () => {
  it("keeps each tier longer than the finer one and nests the buckets", () => {
    const [five, hourly] = RETENTION_POLICY.rollups;
    expect(five.maxAgeSeconds).toBeGreaterThan(RETENTION_POLICY.raw.maxAgeSeconds);
    expect(hourly.maxAgeSeconds).toBeGreaterThan(five.maxAgeSeconds);
    expect(hourly.bucketSeconds % five.bucketSeconds).toBe(0);
  });
});

describe("selectSamplesToStore", () => {
  it("stores one sample per minute while lag just grows", () => {
    const stored = { t: 0, lag: 100 };
    expect(selectSamplesToStore(undefined, undefined, stored)).toEqual([stored]);
    expect(selectSamplesToStore(stored, stored, { t: 15, lag: 115 })).toEqual([]);
    expect(selectSamplesToStore(stored, { t: 45, lag: 145 }, { t: 60, lag: 160 })).toEqual([{ t: 60, lag: 160 }]);
  });

  it("stores the peak before a sync finished and the sample after it", () => {
    const stored = { t: 0, lag: 100 };
    const peak = { t: 30, lag: 130 };
    expect(selectSamplesToStore(stored, peak, { t: 45, lag: 10 })).toEqual([peak, { t: 45, lag: 10 }]);
    expect(selectSamplesToStore(stored, peak, { t: 45, lag: null })).toEqual([peak, { t: 45, lag: null }]);
    expect(selectSamplesToStore(stored, stored, { t: 15, lag: 1 })).toEqual([{ t: 15, lag: 1 }]);
  });
});

describe("rollupSamples", () => {
  it("summarizes aligned buckets with coverage and time over the RPO", () => {
    const samples: LagSample[] = [
      { t: 0, lag: 100 },
      { t: 100, lag: 200 },
      { t: 200, lag: 5 },
      { t: 300, lag: 105 },
      { t: 400, lag: null },
    ];
    expect(rollupSamples(samples, 300, 250)).toEqual([
      { bucketStart: 0, bucketSeconds: 300, minLag: 5, maxLag: 200, avgLag: 305 / 3, count: 3, coveredSeconds: 300, overRpoSeconds: 50 },
      { bucketStart: 300, bucketSeconds: 300, minLag: 105, maxLag: 105, avgLag: 105, count: 1, coveredSeconds: 100, overRpoSeconds: 0 },
    ]);
  });

  it("rejects bucket sizes that cannot align", () => {
    expect(() => rollupSamples([], 0, 1)).toThrow(RangeError);
    expect(() => mergeRollups(rollupSamples([{ t: 0, lag: 1 }], 300, 1), 1000)).toThrow(RangeError);
  });
});

const samplesArb = fc
  .array(fc.record({ dt: fc.integer({ min: 1, max: 900 }), lag: fc.option(fc.integer({ min: 0, max: 8000 }), { nil: null }) }), {
    maxLength: 200,
  })
  .map((steps) => {
    let t = T0;
    return steps.map(({ dt, lag }) => ({ t: (t += dt), lag }));
  });

describe("rollups keep compliance exact", () => {
  it("compliance from 5-min rollups equals compliance from the raw samples on aligned ranges", () => {
    fc.assert(
      fc.property(samplesArb, fc.integer({ min: 0, max: 6000 }), (samples, rpo) => {
        const until = Math.ceil(((samples.at(-1)?.t ?? T0) + 1) / HOUR) * HOUR;
        const range = { from: Math.floor(T0 / HOUR) * HOUR, to: until };
        const raw = computeRpoCompliance(samples, rpo, range);
        const fromRollups = computeRpoComplianceFromRollups(rollupSamples(samples, 300, rpo, { until }), range);
        expect(fromRollups.overSeconds).toBeCloseTo(raw.overSeconds, 6);
        expect(fromRollups.withinSeconds).toBeCloseTo(raw.withinSeconds, 6);
      }),
    );
  });

  it("merging 5-min rollups into hours equals rolling the samples up hourly", () => {
    fc.assert(
      fc.property(samplesArb, fc.integer({ min: 0, max: 6000 }), (samples, rpo) => {
        const merged = mergeRollups(rollupSamples(samples, 300, rpo), HOUR);
        const direct = rollupSamples(samples, HOUR, rpo);
        expect(merged.map((r) => r.bucketStart)).toEqual(direct.map((r) => r.bucketStart));
        merged.forEach((m, i) => {
          const d = direct[i];
          expect(m).toMatchObject({ minLag: d?.minLag, maxLag: d?.maxLag, count: d?.count, bucketSeconds: HOUR });
          expect(m.coveredSeconds).toBeCloseTo(d?.coveredSeconds ?? NaN, 6);
          expect(m.overRpoSeconds).toBeCloseTo(d?.overRpoSeconds ?? NaN, 6);
          if (d?.avgLag != null) expect(m.avgLag).toBeCloseTo(d.avgLag, 6);
        });
      }),
    );
  });
});
