import { z } from "zod";
import { FAILBACK_OPERATION_KIND, FAILBACK_STEP_KINDS, failbackGuestPlanSchema } from "./failback-types";

// Plain types of the failover engine, shared by the executor, the routes and the pages
// (client-safe: no server imports).

/**
 * recovery: one non-HA guest of a dead node; node-recovery: everything a dead node ran;
 * failback: hold and decide the way back after a dead node returned (failback-types.ts).
 */
export const OPERATION_KINDS = ["switchover", "evacuation", "recovery", "node-recovery", FAILBACK_OPERATION_KIND] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_STATES = ["running", "paused", "succeeded", "failed", "abandoned"] as const;
export type OperationState = (typeof OPERATION_STATES)[number];
export const FINISHED_STATES: readonly OperationState[] = ["succeeded", "failed", "abandoned"];

/**
 * pending → checking → (acting →) verifying → done | failed; `skipped` for steps that never ran
 * (guest left alone, operation abandoned). `acting` is written before the request goes out.
 */
export const STEP_STATES = ["pending", "checking", "acting", "verifying", "done", "failed", "skipped"] as const;
export type StepState = (typeof STEP_STATES)[number];
export const IN_FLIGHT_STEP_STATES: readonly StepState[] = ["acting", "verifying"];
export const FINISHED_STEP_STATES: readonly StepState[] = ["done", "failed", "skipped"];

export type CheckResultName = "pass" | "warning" | "fail";
export type Check = { name: string; result: CheckResultName; message: string };

/** The worst result of a checklist: any fail fails, any warning warns. */
export function checklistVerdict(checks: readonly Check[]): CheckResultName {
  if (checks.some((c) => c.result === "fail")) return "fail";
  if (checks.some((c) => c.result === "warning")) return "warning";
  return "pass";
}

/**
 * How the guest moves: live (VM), offline (stopped guest), restart mode (CT), by HA, or
 * recovered from a dead node (its configuration moved on a survivor, then started there).
 */
export type MigrationMode = "online" | "offline" | "restart" | "ha" | "recover";

export const guestPlanSchema = z.object({
  vmid: z.number().int(),
  type: z.enum(["qemu", "lxc"]),
  name: z.string().nullable(),
  source: z.string(),
  target: z.string(),
  mode: z.enum(["online", "offline", "restart", "ha", "recover"]),
  running: z.boolean(),
  haSid: z.string().nullable(),
  /** The job whose target is `target`: Proxmox turns it around to point back at `source`. */
  jobId: z.string(),
});
export type GuestPlan = z.infer<typeof guestPlanSchema>;

export const leftAloneSchema = z.object({ vmid: z.number().int(), name: z.string().nullable(), reason: z.string() });
export type LeftAlone = z.infer<typeof leftAloneSchema>;

export const operationPlanSchema = z.object({
  guests: z.array(guestPlanSchema),
  leftAlone: z.array(leftAloneSchema).default([]),
  /** Warnings the operator saw and accepted when confirming. */
  acceptedWarnings: z.array(z.string()).default([]),
  /** Part 2: the guests a failback hold covers (failback-types.ts). */
  failback: z.array(failbackGuestPlanSchema).default([]),
});
export type OperationPlan = z.infer<typeof operationPlanSchema>;

export const STEP_KINDS = [
  "preflight", "migrate", "verify-placement", "verify-jobs", "leave-alone",
  // Part 2: recovery from a dead node.
  "recovery-preflight", "confirm-fenced", "verify-node-dead", "move-config", "confirm-start", "start-guest", "verify-jobs-parked", "follow-ha",
  // Part 2: failback after a dead node returned (failback-types.ts).
  ...FAILBACK_STEP_KINDS,
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** A recovery's start offer (confirm-start): start the guest now, or leave it stopped where it was recovered. */
export const START_CHOICES = ["start", "leave-stopped"] as const;
export type StartChoice = (typeof START_CHOICES)[number];

/** FailoverStep.decision of a confirm-start step: the holder's answer, written only by its route (step-decision.ts; a failback's keep/discard: failback-types.ts). */
export const stepDecisionSchema = z.object({ choice: z.enum(START_CHOICES), by: z.string(), byId: z.string(), at: z.string() });
export type StepDecision = z.infer<typeof stepDecisionSchema>;

/** Null when no one answered yet; throws for a stored answer that does not parse (never read as "no answer"). */
export function parseStepDecision(text: string | null | undefined): StepDecision | null {
  if (!text) return null;
  return stepDecisionSchema.parse(JSON.parse(text));
}
