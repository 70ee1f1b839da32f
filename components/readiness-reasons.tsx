import { StatusBadge, type StatusTone } from "@/components/status-badge";
import type { Readiness, ReasonLevel } from "@/lib/failover/readiness";
import { cn } from "@/lib/utils";

const VERDICT_TONE: Record<Readiness["verdict"], StatusTone> = { ready: "ok", warnings: "warn", "not-ready": "fail" };
const LEVEL_TONE: Record<ReasonLevel, StatusTone> = { fail: "fail", warn: "warn", info: "unknown" };
const LEVEL_LABEL: Record<ReasonLevel, string> = { fail: "Blocks", warn: "Warning", info: "Note" };

/** The failover verdict in words, as a badge. */
export function ReadinessBadge({ readiness }: { readiness: Pick<Readiness, "verdict" | "label"> }) {
  return (
    <StatusBadge status={VERDICT_TONE[readiness.verdict]} data-testid="readiness-verdict">
      {readiness.label}
    </StatusBadge>
  );
}

/** Each reason one sentence, failures first; a fix when there is one. */
export function ReadinessReasons({ reasons, showInfo = true, className }: { reasons: Readiness["reasons"]; showInfo?: boolean; className?: string }) {
  const shown = showInfo ? reasons : reasons.filter((r) => r.level !== "info");
  if (shown.length === 0) return <p className={cn("text-muted-foreground text-sm", className)}>Nothing stands in the way of a failover.</p>;
  return (
    <ul className={cn("flex flex-col gap-2 text-sm", className)} aria-label="Readiness reasons">
      {shown.map((r, i) => (
        <li key={`${r.code}-${i}`} className="flex flex-col gap-1 sm:flex-row sm:items-start sm:gap-2">
          <StatusBadge status={LEVEL_TONE[r.level]} className="shrink-0">
            {LEVEL_LABEL[r.level]}
          </StatusBadge>
          <span>
            {r.text}
            {r.fix && <span className="text-muted-foreground"> Fix: {r.fix}</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
