import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { computeRpoCompliance, downsampleLagSeries } from "./lag-series";
import type { LagPoint, LagSample } from "./types";

const T0 = 1_700_000_000;

const seriesArb = fc
  .array(fc.record({ dt: fc.integer({ min: 0, max: 900 }), lag: fc.integer({ min: 0, max: 100_000 }) }), { maxLength: 600 })
  .map((steps) => {
    let t = T0;
    return steps.map(({ dt, lag }) => ({ t: (t += dt), lag }));
  });

describe("downsampleLagSeries", () => {
  it("returns short series unchanged and handles degenerate limits", () => {
    const points = [{ t: 1, lag: 5 }, { t: 2, lag: 9 }, { t: 3, lag: 1 }];
    expect(downsampleLagSeries(points, 10)).toEqual(points);
    expect(downsampleLagSeries(points, 0)).toEqual([]);
    expect(downsampleLagSeries(points, 1)).toEqual([{ t: 2, lag: 9 }]);
    expect(downsampleLagSeries(points, 2)).toEqual([{ t: 2, lag: 9 }, { t: 3, lag: 1 }]);
  });

  it("never exceeds maxPoints, keeps the global max, both ends and time order", () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 300 }), (points, maxPoints) => {
        const out = downsampleLagSeries(points, maxPoints);
        expect(out.length).toBeLessThanOrEqual(maxPoints);
        if (points.length === 0) return;
        expect(Math.max(...out.map((p) => p.lag))).toBe(Math.max(...points.map((p) => p.lag)));
        for (let i = 1; i < out.length; i++) expect((out[i] as LagPoint).t).toBeGreaterThanOrEqual((out[i - 1] as LagPoint).t);
        if (maxPoints >= 4) {
          expect(out[0]).toBe(points[0]);
          expect(out.at(-1)).toBe(points.at(-1));
        }
      }),
    );
  });

  it("keeps every peak: each sample has a kept point at least as high within one bucket", () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 4, max: 200 }), (points, maxPoints) => {
        if (points.length <= maxPoints) return;
        const out = downsampleLagSeries(points, maxPoints);
        const span = (points.at(-1) as LagPoint).t - (points[0] as LagPoint).t;
        const width = span / Math.floor((maxPoints - 2) / 2);
        for (const p of points) {
          expect(out.some((q) => q.lag >= p.lag && Math.abs(q.t - p.t) <= width)).toBe(true);
        }
      }),
    );
  });

  it("draws a year of 15-s samples in at most 2,000 points with every breach of the RPO visible", () => {
    const rpo = 1800;
    const step = 15;
    const n = (365 * 86_400) / step;
    const incidents = [40, 111, 2000, 19_999, 77_777, 123_456, 2_000_000].map((i) => i * step);
    const points: LagPoint[] = new Array(n);
    let lastSync = 0;
    let blockedUntil = -1;
    for (let i = 0; i < n; i++) {
      const t = i * step;
      // A */15 job whose sync takes 30 s; at each incident it misses runs for 2 h.
      if (incidents.includes(t)) blockedUntil = t + 7200;
      if (t > blockedUntil && t % 900 === 30) lastSync = t - 30;
      points[i] = { t, lag: t - lastSync };
    }
    const started = performance.now();
    const out = downsampleLagSeries(points, 2000);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(out.length).toBeLessThanOrEqual(2000);
    for (const incident of incidents) {
      expect(out.some((p) => p.lag > rpo && p.t >= incident && p.t <= incident + 7200 + 86_400)).toBe(true);
    }
    expect(out.filter((p) => p.lag > rpo).length).toBeLessThan(30);
  });
});

describe("computeRpoCompliance", () => {
  const range = { from: T0, to: T0 + 3600 };
  const sawtooth = (period: number, peak: number): LagSample[] =>
    Array.from({ length: 3600 / 15 + 1 }, (_, i) => ({ t: T0 + i * 15, lag: ((i * 15) % period) + peak - period }));

  it("is fully compliant and covered under a healthy sawtooth", () => {
    expect(computeRpoCompliance(sawtooth(900, 960), 1800, range)).toEqual({
      withinSeconds: 3600,
      overSeconds: 0,
      unknownSeconds: 0,
      compliance: 1,
      coverage: 1,
    });
  });

  it("counts the time above the RPO along the lag line, between samples", () => {
    const samples: LagSample[] = [
      { t: T0, lag: 1700 },
      { t: T0 + 200, lag: 1900 },
      { t: T0 + 260, lag: 20 },
    ];
    const result = computeRpoCompliance(samples, 1800, { from: T0, to: T0 + 300 });
    expect(result).toMatchObject({ overSeconds: 160, withinSeconds: 140, unknownSeconds: 0 });
  });

  it("reports gaps and unknown lag as unknown, never as compliant", () => {
    const samples: LagSample[] = [
      { t: T0 - 100, lag: 100 },
      { t: T0 + 1000, lag: 50 },
      { t: T0 + 1100, lag: null },
      { t: T0 + 2000, lag: 10 },
    ];
    const result = computeRpoCompliance(samples, 1800, range, { maxGapSeconds: 300 });
    // covered: [T0, T0+200) from the sample before the range, [T0+1000, T0+1100), [T0+2000, T0+2300)
    expect(result).toMatchObject({ withinSeconds: 600, overSeconds: 0, unknownSeconds: 3000, compliance: 1 });
    expect(result.coverage).toBeCloseTo(600 / 3600);
    expect(computeRpoCompliance([], 1800, range)).toMatchObject({ compliance: null, coverage: 0, unknownSeconds: 3600 });
  });

  it("always splits the range into within, over and unknown", () => {
    const samplesArb = fc
      .array(fc.record({ dt: fc.integer({ min: 0, max: 600 }), lag: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null }) }), {
        maxLength: 100,
      })
      .map((steps) => {
        let t = T0 - 500;
        return steps.map(({ dt, lag }) => ({ t: (t += dt), lag }));
      });
    fc.assert(
      fc.property(samplesArb, fc.integer({ min: 0, max: 6000 }), (samples, rpo) => {
        const r = computeRpoCompliance(samples, rpo, range);
        expect(r.withinSeconds + r.overSeconds + r.unknownSeconds).toBeCloseTo(3600, 6);
        expect(r.overSeconds).toBeGreaterThanOrEqual(0);
        expect(r.withinSeconds).toBeGreaterThanOrEqual(0);
        if (r.compliance !== null) expect(r.compliance).toBeLessThanOrEqual(1);
      }),
    );
  });
});
