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

/**
 * The operator's keep/discard for one guest: FailoverStep.decision of its `failback-decide` step
 * (the step that asks), written once by the route (failback-choice.ts) and never by the engine,
 * like a recovery's start choice. `byId` is null only for a choice stored before that column.
 */
export const failbackDecisionSchema = z.object({
  choice: z.enum(FAILBACK_CHOICES),
  by: z.string(),
  byId: z.string().nullable(),
  /** ISO time of the choice. */
  at: z.string(),
});
export type FailbackDecision = z.infer<typeof failbackDecisionSchema>;

/**
 * Holds stored before the decision column kept the choice in a step's `result` (the lane's
 * preserve step, and before that its decide step), with `at` in seconds. Still read, so an
 * operation already in a database goes on with the choice made for it.
 */
const legacyDecisionSchema = z.object({ choice: z.enum(FAILBACK_CHOICES), by: z.string(), at: z.number() });
const LEGACY_DECISION_KINDS: readonly FailbackStepKind[] = ["failback-preserve", "failback-decide"];

type LaneStep = { kind: string; decision: string | null; result: string };

/**
 * The choice for one guest from the steps of its lane: the decide step's decision column, else a
 * choice stored the old way. Null when no one chose yet; throws for a stored choice that does not
 * parse (never read as "no choice", which would hold forever, nor as "discard").
 */
export function readFailbackDecision(lane: readonly LaneStep[]): FailbackDecision | null {
  const decide = lane.find((s) => s.kind === "failback-decide");
  if (decide?.decision) return failbackDecisionSchema.parse(JSON.parse(decide.decision));
  for (const kind of LEGACY_DECISION_KINDS) {
    const text = lane.find((s) => s.kind === kind)?.result;
    const stored = text ? (JSON.parse(text) as { decision?: unknown }).decision : undefined;
    if (stored === undefined) continue;
    const old = legacyDecisionSchema.parse(stored);
    return { choice: old.choice, by: old.by, byId: null, at: new Date(old.at * 1000).toISOString() };
  }
  return null;
}

/**
 * Whether a guest's failback hold waits for a person's keep/discard: its operation is still on
 * (running or paused: a choice is accepted while paused and read once it resumes), nothing is
 * chosen yet, and its lane has not stopped (a failed step ends the lane, so its decide step would
 * never read a choice). The one answer for the Failover page's buttons (shown; enabled only while
 * the decide step asks: `asksChoice`, the route's rule) and the alert rule `failback-decision`
 * (lib/alerts/failback-decision.ts).
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
