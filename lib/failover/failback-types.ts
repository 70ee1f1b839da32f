import { z } from "zod";

// Failback after a dead node returns (failover part 2): plain types shared by the steps, the
// routes and the Failover page (client-safe: no server imports).

export const FAILBACK_OPERATION_KIND = "failback" as const;

/**
 * The lane of one guest, in order: hold HA's failback (HA-managed guests whose rule prefers the
 * old node), hold the turned-around job, wait for the operator's keep/discard, preserve the old
 * node's volumes (keep), re-enable the job, replicate now and confirm the sync, restore HA.
 */
export const FAILBACK_STEP_KINDS = [
  "failback-hold-ha",
  "failback-hold-job",
  "failback-decide",
  "failback-preserve",
  "failback-release",
  "failback-sync",
  "failback-restore-ha",
] as const;
export type FailbackStepKind = (typeof FAILBACK_STEP_KINDS)[number];

/**
 * The job that replicated old → new before the failure, turned around by Proxmox (new → old) or
 * about to be: the one whose next run rolls the old node's disks back. One predicate for the live
 * planner, the page's stored view and the automatic hold.
 */
export function pointsBackAt(job: { source?: string | null; target: string }, oldNode: string, newNode: string): boolean {
  return job.target === oldNode || (job.source === oldNode && job.target === newNode);
}

/** Who places a hold by itself (lib/failover/auto-hold.ts): the holder and audit actor of that operation. */
export const AUTO_HOLD_LABEL = "pve-standby";

/**
 * An operation pve-standby started by itself has no person holding it: every operator may decide,
 * pause or abandon it (the route still checks the permission and audits who did).
 */
export function isAutomaticHold(op: { createdById: string | null; createdByLabel: string }): boolean {
  return op.createdById === null && op.createdByLabel === AUTO_HOLD_LABEL;
}

export const FAILBACK_CHOICES = ["keep", "discard"] as const;
export type FailbackChoice = (typeof FAILBACK_CHOICES)[number];

/** One replicated disk of the guest as the old node holds it. */
export const failbackVolumeSchema = z.object({
  volid: z.string(),
  storage: z.string(),
  /** The volume's name on the storage (`vm-100-disk-0`). */
  name: z.string(),
});
export type FailbackVolume = z.infer<typeof failbackVolumeSchema>;

export const failbackGuestPlanSchema = z.object({
  vmid: z.number().int(),
  type: z.enum(["qemu", "lxc"]),
  name: z.string().nullable(),
  /** The node that died and holds the stale copies. */
  oldNode: z.string(),
  /** Where the guest runs now (HA or a manual recovery put it there). */
  newNode: z.string(),
  /** The job that replicated old → new before the failure; Proxmox turned it around to new → old. */
  jobId: z.string(),
  /** The last sync before the failure: its snapshot is the common base the next run rolls back to. */
  lastSync: z.number().nullable(),
  failedAt: z.number(),
  volumes: z.array(failbackVolumeSchema),
  /** HA resource id when HA's failback would migrate the guest back (and so is held too). */
  haSid: z.string().nullable(),
});
export type FailbackGuestPlan = z.infer<typeof failbackGuestPlanSchema>;

/** The failure a hold's lane was planned for (its step params), so a hold of an earlier outage of the node is told apart. */
export function planFailedAt(params: string): number | null {
  const parsed = failbackGuestPlanSchema.safeParse(JSON.parse(params));
  return parsed.success ? parsed.data.failedAt : null;
}

/** What the operator decided for one guest, stored in its decide step's result by a route. */
export const failbackDecisionSchema = z.object({
  choice: z.enum(FAILBACK_CHOICES),
  by: z.string(),
  at: z.number(),
});
export type FailbackDecision = z.infer<typeof failbackDecisionSchema>;

/**
 * Where the route stores the choice: the lane's `failback-preserve` step, still pending while the
 * decide step waits. The engine writes the decide step's result after every check from the row it
 * read before the check, so a choice stored there during a check was overwritten (and a "keep"
 * then read as no choice). Holds stored before this change kept it in `failback-decide`.
 */
export const DECISION_STEP_KIND = "failback-preserve" as const satisfies FailbackStepKind;

/** The choice from the stored results of a lane's preserve and decide steps (JSON text), the preserve step first. */
export function decisionFromResults(results: (string | null | undefined)[]): FailbackDecision | null {
  for (const text of results) {
    if (!text) continue;
    const parsed = failbackDecisionSchema.safeParse((JSON.parse(text) as { decision?: unknown }).decision);
    if (parsed.success) return parsed.data;
  }
  return null;
}

/**
 * Whether a guest's failback hold waits for a person's keep/discard: its operation is still on
 * (running or paused: a choice is accepted while paused and read once it resumes), nothing is
 * chosen yet, and its lane has not stopped (a failed step ends the lane, so its decide step would
 * never read a choice). The one answer for the Failover page's buttons and the alert rule
 * `failback-decision` (lib/alerts/failback-decision.ts).
 */
export function holdAwaitsDecision(hold: { state: string; decision: FailbackDecision | null; steps: { kind: string; state: string }[] }): boolean {
  if (hold.decision || (hold.state !== "running" && hold.state !== "paused")) return false;
  if (hold.steps.some((s) => s.state === "failed")) return false;
  const decide = hold.steps.find((s) => s.kind === "failback-decide");
  return decide !== undefined && decide.state !== "done" && decide.state !== "skipped";
}

/** Divergent data on the old node, per volume, as `zfs get written@<base>` answered (bytes). */
export const divergenceSchema = z.object({
  measuredAt: z.number(),
  base: z.string(),
  volumes: z.array(z.object({ dataset: z.string(), bytes: z.number().nullable(), error: z.string().nullable() })),
});
export type Divergence = z.infer<typeof divergenceSchema>;
