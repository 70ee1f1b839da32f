import { pendingFailbackDecisions, type PendingFailbackDecision } from "@/lib/failover/failback-queries";
import { formatBytes } from "@/lib/replication/format-bytes";
import type { PrismaClient } from "@/prisma/generated/client";
import type { Condition } from "./conditions";
import { clusterNowSeconds, jobAlertFacts, type JobAlertFacts } from "./job-facts";
import { RULE_INFO, resolveSettings, type SettingRow } from "./rules";

// The rule `failback-decision`: a failback hold (lib/failover/auto-hold.ts places one by itself
// while a dead node is down; an operator may start one) keeps the guest's job disabled until a
// person chooses to keep or discard what the old node wrote after its last sync. Nothing else
// says that a person must decide before replication of that guest resumes: the node-offline alert
// resolves when the node returns, and the RPO alert only says the copy is late, not why or what to do.
// Which holds wait is lib/failover's answer (`pendingFailbackDecisions`, `holdAwaitsDecision`),
// the same one the Failover page's Keep/Discard buttons read.

export type FailbackDecisionInput = {
  clusterId: string;
  clusterName: string;
  pending: PendingFailbackDecision;
  /** The old node as the last poll saw it; null when the cluster no longer lists it. */
  oldNodeOnline: boolean | null;
  /** The held job's row and its facts (the shared job view); null when the job is gone. */
  job: { rowId: string; facts: JobAlertFacts } | null;
};

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * The alert for one waiting hold, or null while the hold is still being placed: until the lane
 * reaches its decide step (after its hold steps, which run in order), the job may not be disabled
 * yet. That normally lasts an executor pass or two; a hold step that cannot complete fails the
 * lane, which ends the wait, and an unreadable cluster has its own alert. The first message is
 * then the one that says what is held, not a "being placed" that stays in the mailbox for hours.
 */
export function failbackDecisionCondition(input: FailbackDecisionInput): Condition | null {
  const { plan, hold } = input.pending;
  const old = plan.oldNode;
  const guest = `${plan.type === "lxc" ? "CT" : "VM"} ${plan.vmid}${plan.name ? ` (${plan.name})` : ""}`;
  const stepState = (kind: string) => hold.steps.find((s) => s.kind === kind)?.state ?? null;
  if (stepState("failback-decide") === "pending") return null;

  const nodeState = input.oldNodeOnline === true ? `${old} is back` : input.oldNodeOnline === false ? `${old} is still down` : `${old} is not listed in the cluster`;
  const node =
    input.oldNodeOnline === true
      ? `${old} is back online with the writes it made after its last sync.`
      : input.oldNodeOnline === false
        ? `${old} is still offline (as of the last poll): the hold was placed in advance, so that its return cannot roll back what it wrote. You can choose now; keeping is carried out once ${old} is back.`
        : `${old} is not listed in the cluster any more (as of the last poll).`;
  const held = `Replication ${plan.newNode} → ${old} (job ${plan.jobId}) is held: the job is disabled${plan.haSid ? `, and HA's failback of ${plan.haSid} is held too` : ""}.`;
  // Measured over SSH by the decide step (`zfs get written@<base>`) while the node is up; volumes it could not read are left out.
  const measured = hold.divergence?.volumes.filter((v) => v.bytes !== null) ?? [];
  const divergentBytes = hold.divergence && measured.length ? measured.reduce((n, v) => n + (v.bytes ?? 0), 0) : null;
  const divergence = hold.divergence && divergentBytes !== null ? ` ${formatBytes(divergentBytes)} written after it, measured ${iso(hold.divergence.measuredAt)}.` : "";
  const stake = plan.lastSync
    ? `Its next run would roll ${old}'s disks of ${guest} back to the last common snapshot (${iso(plan.lastSync)}) and destroy what ${old} wrote after it.${divergence}`
    : `No sync before the failure is known, so its next run would overwrite ${old}'s disks of ${guest}.`;
  const choice = `Choose on the Failover page: keep ${old}'s writes (its volumes are renamed out of pvesr's reach, then a full sync) or discard them (the next sync rolls them back). Until then the replica of ${guest} is not refreshed.`;
  const paused = hold.state === "paused" ? " The hold operation is paused: a choice is stored now and carried out once it is resumed." : "";
  const facts = input.job?.facts;
  return {
    key: `failback-decision:${hold.operationId}/${plan.vmid}`,
    rule: "failback-decision",
    severity: RULE_INFO["failback-decision"].severity,
    clusterId: input.clusterId,
    clusterName: input.clusterName,
    jobRowId: input.job?.rowId ?? null,
    subjectType: "job",
    subjectId: input.job?.rowId ?? `${input.clusterId}/${plan.jobId}`,
    title: `Failback of ${guest} on ${input.clusterName} waits for a decision: keep or discard ${old}'s writes (${nodeState})`,
    detail: [node, held, stake, choice].join(" ") + paused,
    lastError: null,
    lagSeconds: facts?.lagSeconds ?? null,
    rpoSeconds: facts?.rpoSeconds ?? null,
    link: `/failover?cluster=${encodeURIComponent(input.clusterId)}&node=${encodeURIComponent(old)}`,
    facts: {
      node: old,
      nodeState: input.oldNodeOnline === true ? "online" : input.oldNodeOnline === false ? "offline" : "unknown",
      newNode: plan.newNode,
      jobId: plan.jobId,
      vmid: plan.vmid,
      guest: plan.name,
      operationId: hold.operationId,
      holdState: hold.state,
      heldSince: iso(hold.createdAt),
      lastSync: plan.lastSync,
      divergentBytes,
    },
  };
}

/**
 * The rule over one cluster, from our database only (the holds, the nodes and jobs as the last
 * poll stored them), so it holds whether or not the last poll could read the cluster.
 */
export async function collectFailbackDecisionConditions(
  db: PrismaClient,
  cluster: { id: string; name: string; clockSkewMs: number | null },
  options: { now: Date; settings: SettingRow[] },
): Promise<Condition[]> {
  const pending = await pendingFailbackDecisions(db, cluster.id);
  if (pending.length === 0) return [];
  const [nodes, jobs] = await Promise.all([
    db.clusterNode.findMany({ where: { clusterId: cluster.id }, select: { name: true, online: true } }),
    db.replicationJob.findMany({ where: { clusterId: cluster.id, goneAt: null, jobId: { in: [...new Set(pending.map((p) => p.plan.jobId))] } } }),
  ]);
  const online = new Map(nodes.map((n) => [n.name, n.online]));
  const clusterNow = clusterNowSeconds(options.now, cluster.clockSkewMs);
  const conditions: Condition[] = [];
  for (const p of pending) {
    const row = jobs.find((j) => j.jobId === p.plan.jobId);
    if (!resolveSettings("failback-decision", options.settings, cluster.id, row?.id).enabled) continue;
    const job = row ? { rowId: row.id, facts: jobAlertFacts(row, { clusterNow, targetOnline: online.get(row.target) ?? null }) } : null;
    const condition = failbackDecisionCondition({ clusterId: cluster.id, clusterName: cluster.name, pending: p, oldNodeOnline: online.get(p.plan.oldNode) ?? null, job });
    if (condition) conditions.push(condition);
  }
  return conditions;
}
