import type { LiveCluster } from "../live-state";
import type { StepContext } from "../step-types";
import { failbackGuestPlanSchema, readFailbackDecision, type FailbackDecision, type FailbackGuestPlan, type FailbackStepKind } from "../failback-types";

// Shared by the failback steps: the guest's plan, what sibling steps of the same lane stored.

export const failbackPlan = (ctx: StepContext): FailbackGuestPlan => failbackGuestPlanSchema.parse(ctx.params);

export const guestLabel = (g: Pick<FailbackGuestPlan, "type" | "vmid">) => `${g.type === "lxc" ? "CT" : "VM"} ${g.vmid}`;

/** The stored result of another step of this guest's lane (hold → release, decide → preserve). */
export async function siblingResult(ctx: StepContext, kind: FailbackStepKind): Promise<Record<string, unknown>> {
  const step = await ctx.deps.db.failoverStep.findFirst({ where: { operationId: ctx.op.id, vmid: ctx.step.vmid, kind }, select: { result: true } });
  return step ? (JSON.parse(step.result) as Record<string, unknown>) : {};
}

/**
 * The operator's keep/discard, read fresh from the database (the decide step's decision column, or
 * a choice stored the old way): the preserve step reads its sibling's, and the decide step's own
 * row in the context was read before the pass. Throws for a stored choice that does not parse.
 */
async function decisionOf(ctx: StepContext): Promise<FailbackDecision | null> {
  const lane = await ctx.deps.db.failoverStep.findMany({ where: { operationId: ctx.op.id, vmid: ctx.step.vmid, kind: { startsWith: "failback-" } }, select: { kind: true, decision: true, result: true } });
  return readFailbackDecision(lane);
}

/** decisionOf for a check: an unreadable stored choice becomes the step's failure, never "no choice" or "discard". */
export async function decisionForCheck(ctx: StepContext): Promise<{ decision: FailbackDecision | null; error: string | null }> {
  try {
    return { decision: await decisionOf(ctx), error: null };
  } catch (error) {
    return { decision: null, error: `The stored keep/discard choice for ${guestLabel(failbackPlan(ctx))} cannot be read (${error instanceof Error ? error.message : String(error)}); nothing was changed and its job stays held.` };
  }
}

export function jobOf(live: LiveCluster, jobId: string) {
  return live.jobs.find((j) => j.id === jobId);
}
