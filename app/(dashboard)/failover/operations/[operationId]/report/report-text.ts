import type { OperationView, ReportEvent } from "@/lib/failover/queries";
import type { GuestPlan } from "@/lib/failover/types";

const ACTION_WORDS: Record<string, string> = {
  "failover.start": "Started the operation",
  "failover.pause": "Paused",
  "failover.resume": "Resumed",
  "failover.abandon": "Asked to abandon",
  "failover.check": "Checked",
  "failover.task": "Sent to Proxmox",
  "failover.step": "Step ended",
  "failover.finish": "Operation ended",
  "failover.confirm_fenced": "Confirmed the dead node is powered off or fenced",
  "failover.start_choice": "Answered the start offer",
};

/** One timeline row in words, from the audit row's details. */
export function describeEvent(e: ReportEvent): string {
  const d = e.details as { step?: string; message?: string; note?: string; upid?: string | null; summary?: string; state?: string; checks?: string[] };
  const what = ACTION_WORDS[e.action] ?? e.action;
  const parts = [what + (d.step ? `: ${d.step}` : "")];
  if (d.message) parts.push(d.message);
  if (d.note) parts.push(d.note);
  if (d.upid && !d.note?.includes(d.upid)) parts.push(`task ${d.upid}`);
  if (d.checks?.length) {
    const count = (r: string) => d.checks?.filter((c) => c.endsWith(`: ${r}`)).length ?? 0;
    parts.push(`checks: ${count("pass")} pass, ${count("warning")} warning, ${count("fail")} fail`);
  }
  if (d.summary) parts.push(d.summary);
  return parts.join(" — ");
}

/** Where the guest ended up, from what the verification steps saw. */
export function finalPlacement(view: OperationView, g: GuestPlan): string {
  const steps = view.steps.filter((s) => s.vmid === g.vmid);
  if (g.mode === "recover" || (g.mode === "ha" && steps.some((s) => s.kind === "follow-ha"))) return recoveredPlacement(view, g, steps);
  const placement = steps.find((s) => s.kind === "verify-placement");
  const migrate = steps.find((s) => s.kind === "migrate");
  if (placement?.state === "done") return placement.message ?? `On ${g.target}.`;
  if (migrate?.state === "failed") return `Not moved: ${migrate.message ?? "the migration failed"}`;
  if (migrate?.state === "done") return `Moved to ${g.target}; ${placement?.message ?? "placement not confirmed"}`;
  const failed = steps.find((s) => s.state === "failed");
  if (failed) return `Not moved: ${failed.message}`;
  return view.state === "running" || view.state === "paused" ? "In progress" : `Not moved; stays on ${g.source}.`;
}

/** A recovery from a dead node: started on the target, only moved (it was stopped), HA's outcome, or where it stopped and why. */
function recoveredPlacement(view: OperationView, g: GuestPlan, steps: OperationView["steps"]): string {
  const ha = steps.find((s) => s.kind === "follow-ha");
  if (ha) return ha.state === "done" ? (ha.message ?? "Recovered by HA.") : `HA: ${ha.message ?? "not recovered yet"}`;
  const move = steps.find((s) => s.kind === "move-config");
  const start = steps.find((s) => s.kind === "start-guest");
  const failed = steps.find((s) => s.state === "failed");
  if (failed) return move?.state === "done" ? `Configuration on ${g.target}, not started: ${failed.message}` : `Not recovered, nothing moved: ${failed.message}`;
  if (start?.state === "done") return start.message ?? `Runs on ${g.target}.`;
  const offer = steps.find((s) => s.kind === "confirm-start");
  if (offer?.state === "done" && offer.decision?.choice === "leave-stopped") return offer.message ?? `Configuration on ${g.target}; left stopped by the operator's choice.`;
  if (!start && move?.state === "done") return `Configuration on ${g.target}; it was stopped before the failure and stays stopped.`;
  return view.state === "running" || view.state === "paused" ? "In progress" : `Not recovered; its configuration stays on ${g.source}.`;
}
