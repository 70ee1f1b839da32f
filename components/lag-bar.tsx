import { formatDuration } from "@/lib/replication/format-duration";
import { cn } from "@/lib/utils";

/**
 * Lag against the RPO: the bar fills to the RPO and turns amber past 80 %, red past the RPO.
 * The text says the numbers, so the colour is never the only signal.
 */
export function LagBar({ lagSeconds, rpoSeconds, className }: { lagSeconds: number | null; rpoSeconds: number; className?: string }) {
  if (lagSeconds === null) return <span className="text-muted-foreground text-sm">—</span>;
  const ratio = rpoSeconds > 0 ? lagSeconds / rpoSeconds : 0;
  const tone = ratio > 1 ? "bg-status-fail" : ratio > 0.8 ? "bg-status-warn" : "bg-status-ok";
  const label = `Lag ${formatDuration(lagSeconds)} of RPO ${formatDuration(rpoSeconds)}`;
  return (
    <div className={cn("flex min-w-28 flex-col gap-1", className)}>
      <span className={cn("text-sm tabular-nums", ratio > 1 && "text-status-fail font-medium")}>
        {formatDuration(lagSeconds)} <span className="text-muted-foreground text-xs">/ {formatDuration(rpoSeconds)}</span>
      </span>
      <div role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={rpoSeconds} aria-valuenow={Math.min(lagSeconds, rpoSeconds)} className="bg-muted h-1.5 w-full overflow-hidden rounded-full">
        <div className={cn("h-full rounded-full", tone)} style={{ width: `${Math.min(100, Math.max(2, ratio * 100))}%` }} />
      </div>
    </div>
  );
}
