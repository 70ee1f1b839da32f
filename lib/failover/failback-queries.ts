import "server-only";
import { logger } from "@/lib/logger";
import type { PrismaClient } from "@/prisma/generated/client";
import { FAILBACK_OPERATION_KIND, failbackGuestPlanSchema, holdAwaitsDecision, isAutomaticHold, planFailedAt, pointsBackAt, readFailbackDecision, divergenceSchema, type Divergence, type FailbackDecision, type FailbackGuestPlan } from "./failback-types";
import { haFailbackEffect, type FailbackEffect } from "./ha-recovery";
import { haSidOf, parseHaPlacement, parseHaResources, placementOf } from "./ha-state";
import { parseOutageReplicas } from "./outage";

// What the Failover page says about failing back to a node that died (from our database only:
// the page never waits on Proxmox). Per guest recovered elsewhere: the job that will roll the old
// node's disks back, when it runs, the divergent data when it was measured, and the hold.

export type FailbackHoldView = {
  operationId: string;
  state: string;
  holderLabel: string;
  /** pve-standby placed it by itself (auto-hold.ts): every operator may decide. */
  automatic: boolean;
  /** When it was placed (seconds). */
  createdAt: number;
  decision: FailbackDecision | null;
  /** The decide step asks now (the job is held, no one chose yet): the only time the route takes a choice. */
  asksChoice: boolean;
  steps: { kind: string; state: string; message: string | null }[];
  commands: string[];
  readBack: string | null;
  divergenceCommand: string | null;
  divergence: Divergence | null;
  divergenceError: string | null;
  summary: string | null;
};

export type FailbackView = {
  jobId: string;
  oldNode: string;
  newNode: string;
  /** The last sync before the failure (cluster clock): the common base the next run rolls back to. */
  baseSync: number | null;
  jobDisabled: boolean;
  /** A successful sync new → old has happened: the old node's writes were already rolled back. */
  syncedBackAt: number | null;
  nextSync: number | null;
  failCount: number;
  ha: FailbackEffect | null;
  hold: FailbackHoldView | null;
  /** Why pve-standby could not hold it by itself yet (retried every poll while the node is down). */
  autoHoldProblem: { reason: string; at: number | null } | null;
};

type OutageInput = { node: string; failedAt: number; guests: { vmid: number; type: string; replicas: string; autoHoldProblem?: string | null; autoHoldProblemAt?: number | null }[] };
type GuestRow = { vmid: number; node: string };

export async function getFailbackViews(db: PrismaClient, clusterId: string, outage: OutageInput, guests: GuestRow[], clusterNodes: string[]): Promise<Map<number, FailbackView>> {
  const recovered = outage.guests.filter((g) => {
    const node = guests.find((x) => x.vmid === g.vmid)?.node;
    return node !== undefined && node !== outage.node;
  });
  const views = new Map<number, FailbackView>();
  if (recovered.length === 0) return views;
  const vmids = recovered.map((g) => g.vmid);
  const [jobs, ha, decideSteps] = await Promise.all([
    db.replicationJob.findMany({ where: { clusterId, vmid: { in: vmids }, goneAt: null } }),
    db.haState.findUnique({ where: { clusterId }, select: { resources: true, placement: true } }),
    db.failoverStep.findMany({
      where: { vmid: { in: vmids }, kind: "failback-decide", operation: { clusterId, kind: FAILBACK_OPERATION_KIND, sourceNode: outage.node } },
      include: { operation: { include: { steps: { orderBy: { seq: "asc" } } } } },
      orderBy: { operation: { createdAt: "desc" } },
    }),
  ]);
  const resources = parseHaResources(ha?.resources);
  const placements = parseHaPlacement(ha?.placement);
  for (const g of recovered) {
    const newNode = guests.find((x) => x.vmid === g.vmid)?.node as string;
    const job = jobs.find((j) => j.vmid === g.vmid && !j.removeJob && pointsBackAt(j, outage.node, newNode));
    if (!job) continue;
    const sid = haSidOf(g.type, g.vmid);
    const resource = resources.find((r) => r.sid === sid);
    // The hold of this outage (its plan names the failure), not one of an earlier failure of the node.
    const decide = decideSteps.find((s) => s.vmid === g.vmid && planFailedAt(s.params) === outage.failedAt);
    views.set(g.vmid, {
      jobId: job.jobId,
      oldNode: outage.node,
      newNode,
      baseSync: parseOutageReplicas(g.replicas).find((r) => r.jobId === job.jobId)?.lastSync ?? null,
      jobDisabled: job.disabled,
      syncedBackAt: job.target === outage.node && job.lastSync ? job.lastSync : null,
      nextSync: job.nextSync,
      failCount: job.failCount,
      ha: resource ? haFailbackEffect(resource, placementOf(resource, placements), clusterNodes, sid) : null,
      hold: decide ? holdView(decide) : null,
      autoHoldProblem: g.autoHoldProblem && !decide ? { reason: g.autoHoldProblem, at: g.autoHoldProblemAt ?? null } : null,
    });
  }
  return views;
}

export type PendingFailbackDecision = { plan: FailbackGuestPlan; hold: FailbackHoldView };

/**
 * Every guest of the cluster whose failback hold waits for a person's keep/discard now
 * (`holdAwaitsDecision` on the same hold view the Failover page shows), whether its node is back
 * or still down. From our database only; the alert rule `failback-decision` reads it.
 */
export async function pendingFailbackDecisions(db: PrismaClient, clusterId: string): Promise<PendingFailbackDecision[]> {
  const decideSteps = await db.failoverStep.findMany({
    where: { kind: "failback-decide", operation: { clusterId, kind: FAILBACK_OPERATION_KIND, state: { in: ["running", "paused"] } } },
    include: { operation: { include: { steps: { orderBy: { seq: "asc" } } } } },
    orderBy: [{ operation: { createdAt: "asc" } }, { vmid: "asc" }],
  });
  const pending: PendingFailbackDecision[] = [];
  for (const decide of decideSteps) {
    const hold = holdView(decide);
    if (!holdAwaitsDecision(hold)) continue;
    const plan = failbackGuestPlanSchema.safeParse(JSON.parse(decide.params));
    // Written by failbackSteps from the same schema: a row that does not parse is a defect, said in the log.
    if (plan.success) pending.push({ plan: plan.data, hold });
    else logger.error({ operationId: decide.operationId, vmid: decide.vmid, issues: plan.error.issues }, "A failback hold's plan does not parse; its pending decision cannot be reported");
  }
  return pending;
}

type DecideStep = Awaited<ReturnType<PrismaClient["failoverStep"]["findMany"]>>[number] & {
  operation: { id: string; state: string; createdById: string | null; createdByLabel: string; createdAt: Date; summary: string | null; steps: { vmid: number; kind: string; state: string; message: string | null; result: string; decision: string | null }[] };
};

function holdView(decide: DecideStep): FailbackHoldView {
  const result = JSON.parse(decide.result) as Record<string, unknown>;
  const divergence = divergenceSchema.safeParse(result.divergence);
  const measuredError = (result.divergence as { error?: unknown } | undefined)?.error;
  const lane = decide.operation.steps.filter((s) => s.vmid === decide.vmid);
  const decision = storedDecision(decide, lane);
  return {
    operationId: decide.operation.id,
    state: decide.operation.state,
    holderLabel: decide.operation.createdByLabel,
    automatic: isAutomaticHold(decide.operation),
    createdAt: Math.floor(decide.operation.createdAt.getTime() / 1000),
    decision,
    asksChoice: !decision && decide.decision === null && decide.state === "checking" && (decide.operation.state === "running" || decide.operation.state === "paused"),
    steps: lane.map((s) => ({ kind: s.kind, state: s.state, message: s.message })),
    commands: Array.isArray(result.commands) ? (result.commands as string[]) : [],
    readBack: typeof result.readBack === "string" ? result.readBack : null,
    divergenceCommand: typeof result.divergenceCommand === "string" ? result.divergenceCommand : null,
    divergence: divergence.success ? divergence.data : null,
    divergenceError: typeof measuredError === "string" ? measuredError : null,
    summary: decide.operation.summary,
  };
}

/** The page only shows a choice; an unreadable one shows none (the decide or preserve step fails and says why). */
function storedDecision(decide: DecideStep, lane: DecideStep["operation"]["steps"]): FailbackDecision | null {
  try {
    return readFailbackDecision(lane);
  } catch (error) {
    logger.warn({ operationId: decide.operation.id, vmid: decide.vmid, err: error }, "A failback hold's stored keep/discard choice cannot be read");
    return null;
  }
}
