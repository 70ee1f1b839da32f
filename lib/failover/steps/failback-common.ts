import type { LiveCluster } from "../live-state";
import type { StepContext } from "../step-types";
import { DECISION_STEP_KIND, decisionFromResults, failbackGuestPlanSchema, type FailbackDecision, type FailbackGuestPlan, type FailbackStepKind } from "../failback-types";

// Shared by the failback steps: the guest's plan, what sibling steps of the same lane stored.

export const failbackPlan = (ctx: StepContext): FailbackGuestPlan => failbackGuestPlanSchema.parse(ctx.params);

export const guestLabel = (g: Pick<FailbackGuestPlan, "type" | "vmid">) => `${g.type === "lxc" ? "CT" : "VM"} ${g.vmid}`;

/** The stored result of another step of this guest's lane (hold → release, decide → preserve). */
export async function siblingResult(ctx: StepContext, kind: FailbackStepKind): Promise<Record<string, unknown>> {
  const step = await ctx.deps.db.failoverStep.findFirst({ where: { operationId: ctx.op.id, vmid: ctx.step.vmid, kind }, select: { result: true } });
  return step ? (JSON.parse(step.result) as Record<string, unknown>) : {};
}

/** The operator's keep/discard, read fresh from the database (see DECISION_STEP_KIND for where it lives). */
export async function decisionOf(ctx: StepContext): Promise<FailbackDecision | null> {
  const steps = await ctx.deps.db.failoverStep.findMany({ where: { operationId: ctx.op.id, vmid: ctx.step.vmid, kind: { in: [DECISION_STEP_KIND, "failback-decide"] } }, select: { kind: true, result: true } });
  return decisionFromResults([steps.find((s) => s.kind === DECISION_STEP_KIND)?.result, steps.find((s) => s.kind === "failback-decide")?.result]);
}

export function jobOf(live: LiveCluster, jobId: string) {
  return live.jobs.find((j) => j.id === jobId);
}
