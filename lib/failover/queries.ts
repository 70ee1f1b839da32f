import type { PrismaClient } from "@/prisma/generated/client";
import { operationTarget } from "./audit";
import { readFailbackDecision, type FailbackDecision } from "./failback-types";
import { operationPlanSchema, parseStepDecision, type Check, type OperationPlan, type StepDecision } from "./types";

// Read models of operations for the pages (from our database only: pages never wait on Proxmox).

export type StepView = {
  id: string;
  seq: number;
  vmid: number;
  kind: string;
  title: string;
  state: string;
  checks: Check[];
  upid: string | null;
  message: string | null;
  startedAt: string | null;
  endedAt: string | null;
  taskLog: string[];
  progress: string | null;
  exitstatus: string | null;
  /** Recovery without a credential: the commands the operator runs on the target, while the step waits for them. */
  commands: string[] | null;
  /** A recovery's start offer (confirm-start) waiting for the holder's answer. */
  offersStart: boolean;
  /** The operator's answer to a step that asks (start offer, failback keep/discard), once given (null when unreadable: the step itself then fails and says why). */
  decision: StepDecision | FailbackDecision | null;
};

export type ReversedJobView = {
  vmid: number;
  jobId: string;
  jobRowId: string | null;
  /** e.g. pve2 → pve1 after the switch-over. */
  direction: string;
  status: string | null;
  statusMessage: string | null;
  /** Whether a sync back has succeeded since the guest moved (cluster clock). */
  syncedSinceMove: boolean;
  lastSync: number | null;
  error: string | null;
};

export type OperationView = {
  id: string;
  clusterId: string;
  clusterName: string;
  kind: string;
  title: string;
  state: string;
  sourceNode: string | null;
  parallelism: number;
  createdByLabel: string;
  createdAt: string;
  endedAt: string | null;
  pauseRequested: boolean;
  abandonRequested: boolean;
  summary: string | null;
  plan: OperationPlan;
  steps: StepView[];
  locks: { vmid: number; holderLabel: string; acquiredAt: string }[];
  reversedJobs: ReversedJobView[];
  /** Recoveries from a dead node: each guest's data-loss window as its checklist stated it before the confirmation. */
  dataLoss: { vmid: number; text: string; seconds: number | null }[];
  /** Only the operator who started it may pause or abandon it. */
  viewerHolds: boolean;
};

/** The view only shows an answer; an unreadable one shows none (the step itself fails and says why). */
function readDecision(step: { kind: string; decision: string | null; result: string }): StepDecision | FailbackDecision | null {
  try {
    return step.kind === "failback-decide" ? readFailbackDecision([step]) : parseStepDecision(step.decision);
  } catch {
    return null;
  }
}

export async function getOperationView(db: PrismaClient, operationId: string, viewerId: string): Promise<OperationView | null> {
  const op = await db.failoverOperation.findUnique({ where: { id: operationId }, include: { steps: { orderBy: { seq: "asc" } } } });
  if (!op) return null;
  const [cluster, locks] = await Promise.all([
    db.cluster.findUnique({ where: { id: op.clusterId }, select: { name: true } }),
    db.failoverLock.findMany({ where: { operationId: op.id }, orderBy: { vmid: "asc" } }),
  ]);
  const plan = operationPlanSchema.parse(JSON.parse(op.plan));
  const steps = op.steps.map((s): StepView => {
    const result = JSON.parse(s.result) as { taskLog?: string[]; progress?: string | null; exitstatus?: string | null; mode?: string; commands?: string[]; offer?: boolean };
    const decision = readDecision(s);
    return {
      id: s.id, seq: s.seq, vmid: s.vmid, kind: s.kind, title: s.title, state: s.state, checks: JSON.parse(s.checks) as Check[], upid: s.upid,
      message: s.message, startedAt: s.startedAt?.toISOString() ?? null, endedAt: s.endedAt?.toISOString() ?? null,
      taskLog: result.taskLog ?? [], progress: result.progress ?? null, exitstatus: result.exitstatus ?? null,
      commands: result.mode === "manual" && Array.isArray(result.commands) ? result.commands : null,
      offersStart: s.kind === "confirm-start" && s.state === "checking" && result.offer === true && !s.decision, decision,
    };
  });
  const reversedJobs: ReversedJobView[] = [];
  for (const g of plan.guests) {
    // A migration, or a recovery's configuration move: either way Proxmox turns the job around.
    const migrate = op.steps.find((s) => (s.kind === "migrate" || s.kind === "move-config") && s.vmid === g.vmid);
    if (migrate?.state !== "done") continue;
    const movedAt = Number((JSON.parse(migrate.result) as { movedAt?: number }).movedAt ?? 0);
    const row = await db.replicationJob.findUnique({ where: { clusterId_jobId: { clusterId: op.clusterId, jobId: g.jobId } } });
    reversedJobs.push({
      vmid: g.vmid, jobId: g.jobId, jobRowId: row?.id ?? null, direction: `${g.target} → ${g.source}`,
      status: row?.status ?? null, statusMessage: row?.statusMessage ?? null,
      syncedSinceMove: row?.lastSync != null && movedAt > 0 && row.lastSync >= movedAt && row.target === g.source,
      lastSync: row?.lastSync ?? null, error: row?.error ?? null,
    });
  }
  return {
    id: op.id, clusterId: op.clusterId, clusterName: cluster?.name ?? op.clusterId, kind: op.kind, title: op.title, state: op.state,
    sourceNode: op.sourceNode, parallelism: op.parallelism, createdByLabel: op.createdByLabel, createdAt: op.createdAt.toISOString(),
    endedAt: op.endedAt?.toISOString() ?? null, pauseRequested: op.pauseRequested, abandonRequested: op.abandonRequested, summary: op.summary,
    plan, steps, locks: locks.map((l) => ({ vmid: l.vmid, holderLabel: l.holderLabel, acquiredAt: l.acquiredAt.toISOString() })),
    reversedJobs, viewerHolds: op.createdById === viewerId,
    dataLoss: op.steps.filter((s) => s.kind === "recovery-preflight").flatMap((s) => {
      const loss = (JSON.parse(s.result) as { dataLoss?: { text?: string; seconds?: number } | null }).dataLoss;
      return loss?.text ? [{ vmid: s.vmid, text: loss.text, seconds: loss.seconds ?? null }] : [];
    }),
  };
}

export type OperationListItem = {
  id: string;
  clusterId: string;
  clusterName: string;
  kind: string;
  title: string;
  state: string;
  createdByLabel: string;
  createdAt: string;
  endedAt: string | null;
  summary: string | null;
  stepsDone: number;
  stepsTotal: number;
};

export type OperationsOverview = {
  operations: OperationListItem[];
  /** Nodes one may evacuate, from the last poll. */
  clusters: { id: string; name: string; nodes: { name: string; online: boolean }[] }[];
};

/** Running and paused operations first, then the most recent ended ones. */
export async function listOperations(db: PrismaClient, limit = 20): Promise<OperationsOverview> {
  const [active, recent, clusters] = await Promise.all([
    db.failoverOperation.findMany({ where: { state: { in: ["running", "paused"] } }, orderBy: { createdAt: "desc" }, include: { steps: { select: { state: true } } } }),
    db.failoverOperation.findMany({ where: { state: { notIn: ["running", "paused"] } }, orderBy: { createdAt: "desc" }, take: limit, include: { steps: { select: { state: true } } } }),
    db.cluster.findMany({ where: { secretSealed: { not: "" } }, orderBy: { name: "asc" }, select: { id: true, name: true, nodes: { select: { name: true, online: true }, orderBy: { name: "asc" } } } }),
  ]);
  const names = new Map(clusters.map((c) => [c.id, c.name]));
  const item = (op: (typeof active)[number]): OperationListItem => ({
    id: op.id, clusterId: op.clusterId, clusterName: names.get(op.clusterId) ?? op.clusterId, kind: op.kind, title: op.title, state: op.state,
    createdByLabel: op.createdByLabel, createdAt: op.createdAt.toISOString(), endedAt: op.endedAt?.toISOString() ?? null, summary: op.summary,
    stepsDone: op.steps.filter((s) => s.state === "done" || s.state === "skipped").length, stepsTotal: op.steps.length,
  });
  return { operations: [...active, ...recent].map(item), clusters };
}

export type ReportEvent = { at: string; actor: string; action: string; outcome: string; details: Record<string, unknown> };

/** The operation's audit trail, oldest first: the report's timeline. */
export async function getOperationTimeline(db: PrismaClient, operationId: string): Promise<ReportEvent[]> {
  const target = operationTarget(operationId);
  const rows = await db.auditEvent.findMany({ where: { targetType: target.type, targetId: target.id }, orderBy: { at: "asc" } });
  return rows.map((r) => ({ at: r.at.toISOString(), actor: r.actorLabel, action: r.action, outcome: r.outcome, details: JSON.parse(r.details) as Record<string, unknown> }));
}
