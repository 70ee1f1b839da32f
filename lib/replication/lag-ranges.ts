// Client-safe: the chart's range tabs and the lag route share these.
export const LAG_RANGES = { "1h": 3600, "24h": 86_400, "7d": 7 * 86_400, "30d": 30 * 86_400, "1y": 365 * 86_400 } as const;
export type LagRangeName = keyof typeof LAG_RANGES;
export const LAG_RANGE_NAMES = Object.keys(LAG_RANGES) as [LagRangeName, ...LagRangeName[]];
