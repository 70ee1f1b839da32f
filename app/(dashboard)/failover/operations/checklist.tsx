import { StatusBadge, type StatusTone } from "@/components/status-badge";
import type { Check, CheckResultName } from "@/lib/failover/types";

export const CHECK_TONE: Record<CheckResultName, StatusTone> = { pass: "ok", warning: "warn", fail: "fail" };
const CHECK_WORD: Record<CheckResultName, string> = { pass: "Pass", warning: "Warning", fail: "Fail" };

/** Pass / warning / fail, each with its sentence; the word is always shown, never colour alone. */
export function Checklist({ checks }: { checks: Check[] }) {
  return (
    <ul className="grid gap-2" aria-label="Checks">
      {checks.map((c, i) => (
        <li key={`${c.name}-${i}`} className="flex flex-col gap-1 sm:flex-row sm:items-start sm:gap-3" data-check={c.result}>
          <StatusBadge status={CHECK_TONE[c.result]} className="w-fit shrink-0">
            {CHECK_WORD[c.result]}
          </StatusBadge>
          <p className="text-sm">
            <span className="font-medium">{c.name}:</span> {c.message}
          </p>
        </li>
      ))}
    </ul>
  );
}
