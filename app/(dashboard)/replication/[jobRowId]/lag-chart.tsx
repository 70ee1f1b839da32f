"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { jobLagQuery } from "@/lib/query/replication";
import { formatDuration } from "@/lib/replication/format-duration";
import { LAG_RANGE_NAMES, type LagRangeName } from "@/lib/replication/lag-ranges";

/** Failed runs drawn as marks; beyond this many they would hide the line they annotate. */
const MAX_MARKS = 150;
const TICK_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800];

/** Round lag ticks (1m, 5m, 30m, …) up to just above the larger of the peak and the RPO. */
function lagTicks(maxLag: number, rpo: number): number[] {
  const top = Math.max(maxLag, rpo) * 1.1;
  const step = TICK_STEPS.find((s) => top / s <= 5) ?? Math.ceil(top / 5 / 86_400) * 86_400;
  return Array.from({ length: Math.ceil(top / step) + 1 }, (_, i) => i * step);
}

export function LagChart({ jobRowId }: { jobRowId: string }) {
  const [range, setRange] = useState<LagRangeName>("24h");
  const { data, error, isFetching } = useQuery(jobLagQuery(jobRowId, range));
  const compliance = data?.compliance.compliance;
  const spanDays = data ? (data.to - data.from) / 86_400 : 1;
  const peak = data ? Math.max(0, ...data.points.map((p) => p.lag)) : 0;
  const ticks = data ? lagTicks(peak, data.rpoSeconds) : [];
  const tick = (t: number) =>
    new Date(t * 1000).toLocaleString(undefined, spanDays > 2 ? { month: "short", day: "numeric" } : { hour: "2-digit", minute: "2-digit" });

  return (
    <Card>
      <CardHeader className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="grid gap-1.5">
          <CardTitle>Lag against RPO</CardTitle>
          <CardDescription aria-live="polite">
            {data ? `${describeCompliance(compliance, data.compliance.coverage)} ${plural(data.failures.length, "failed run")}.` : "Loading…"}
          </CardDescription>
        </div>
        <Tabs value={range} onValueChange={(v) => setRange(v as LagRangeName)}>
          <TabsList aria-label="Time range">
            {LAG_RANGE_NAMES.map((r) => (
              <TabsTrigger key={r} value={r}>
                {r}
              </TabsTrigger>
            ))}
          </TabsList>
        </Tabs>
      </CardHeader>
      <CardContent>
        {error && !data && <p className="text-destructive text-sm">{error.message}</p>}
        {!data && !error && <Skeleton className="h-64 w-full" />}
        {data && data.points.length === 0 && (
          <div className="text-muted-foreground flex h-40 flex-col items-center justify-center gap-1 rounded-md border border-dashed p-4 text-center text-sm">
            <p>No successful sync in this range, so the age of the replica is unknown.</p>
            {data.failures.length > 0 && <p className="text-status-fail">Latest failure: {data.failures.at(-1)?.error ?? "no error text"}</p>}
          </div>
        )}
        {data && data.points.length > 0 && (
          <figure
            className={isFetching ? "opacity-70 transition-opacity" : undefined}
            aria-label={`Lag over the last ${range}: RPO ${formatDuration(data.rpoSeconds)}, peak ${formatDuration(peak)}.`}
          >
            <div className="h-64 w-full" aria-hidden>
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={data.points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="t" type="number" domain={[data.from, data.to]} tickFormatter={tick} stroke="var(--muted-foreground)" fontSize={11} minTickGap={40} />
                  <YAxis
                    dataKey="lag"
                    tickFormatter={(s: number) => formatDuration(s)}
                    stroke="var(--muted-foreground)"
                    fontSize={11}
                    width={64}
                    ticks={ticks}
                    domain={[0, ticks.at(-1) ?? "auto"]}
                  />
                  <Tooltip
                    labelFormatter={(t) => new Date(Number(t) * 1000).toLocaleString()}
                    formatter={(v) => [formatDuration(Number(v)), "Lag"]}
                    contentStyle={{ background: "var(--popover)", border: "1px solid var(--border)", borderRadius: 8, color: "var(--popover-foreground)" }}
                  />
                  {data.failures.slice(-MAX_MARKS).map((f) => (
                    <ReferenceLine key={f.t} x={f.t} stroke="var(--status-fail)" strokeOpacity={0.5} strokeDasharray="2 3" />
                  ))}
                  <ReferenceLine y={data.rpoSeconds} stroke="var(--status-warn)" strokeDasharray="6 4" label={{ value: `RPO ${formatDuration(data.rpoSeconds)}`, position: "insideTopRight", fill: "var(--status-warn)", fontSize: 11 }} />
                  <Line type="linear" dataKey="lag" stroke="var(--chart-1)" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
                </LineChart>
              </ResponsiveContainer>
            </div>
            <figcaption className="text-muted-foreground mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs">
              <span className="inline-flex items-center gap-1.5">
                <span className="bg-chart-1 inline-block h-0.5 w-4" aria-hidden /> Lag (age of the replica)
              </span>
              <span className="inline-flex items-center gap-1.5">
                <span className="border-status-warn inline-block w-4 border-t-2 border-dashed" aria-hidden /> RPO
              </span>
              <span className="inline-flex items-center gap-1.5">
                <span className="border-status-fail inline-block h-3 border-l-2 border-dotted" aria-hidden /> Failed run
              </span>
              {data.source !== "raw" && <span>Older part from rollups (min and max per bucket).</span>}
            </figcaption>
          </figure>
        )}
      </CardContent>
    </Card>
  );
}

function describeCompliance(compliance: number | null | undefined, coverage: number): string {
  if (compliance === null || compliance === undefined) return "No lag known in this range;";
  return `Within RPO ${(compliance * 100).toFixed(compliance > 0.999 ? 2 : 1)}% of the known time (${Math.round(coverage * 100)}% of the range has data);`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
