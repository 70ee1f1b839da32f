import { UserError } from "@/lib/auth/users";
import { byStartupOrder } from "@/lib/proxmox/guest-config";
import { recordOperationAudit } from "./audit";
import { guestEntries, haResourceOf, readLiveCluster } from "./live-state";
import { createOperation, label, MAX_PARALLELISM, type CreatedOperation, type StepSpec } from "./operations";
import { findOpenOutage, gatherRecoveryPreflight, type RecoveryGatherDeps } from "./recovery-gather";
import { DEFAULT_MIN_OFFLINE_SECONDS, type RecoveryPreflight } from "./recovery-preflight";
import type { Holder } from "./lock";
import type { DataLossWindow } from "./outage";
import type { GuestPlan, LeftAlone } from "./types";

// Planning a recovery from a dead node: one guest, or everything the node ran. The operator's
// typed confirmation that the node is off is stored into each guest's `confirm-fenced` step.

/** Checks about the node, not the guest: when one fails, nothing of that node can be recovered. */
const NODE_CHECKS = ["Quorum", "Dead node"];

export type FencingConfirmation = { node: string; typed: string; confirmedBy: string; confirmedAt: string };

function confirmationOf(node: string, typed: string, holder: Holder, at: number): FencingConfirmation {
  if (typed.trim() !== node) throw new UserError(`Type the node's name, ${node}, to confirm that it is powered off or fenced.`);
  return { node, typed: typed.trim(), confirmedBy: holder.label, confirmedAt: new Date(at).toISOString() };
}

/** The steps of one guest's recovery; the start offer, its last "still dead" and the start only for a guest that ran. */
export function recoverySteps(g: GuestPlan, confirmation: FencingConfirmation, minOfflineSeconds: number): StepSpec[] {
  const params = { ...g, minOfflineSeconds };
  const still = (phase: "move" | "start"): StepSpec => ({
    vmid: g.vmid, kind: "verify-node-dead", params: { node: g.source, phase, vmid: g.vmid, type: g.type, target: g.target },
    title: `Confirm ${g.source} is still offline before ${phase === "move" ? "moving the configuration" : "starting"}`,
  });
  return [
    { vmid: g.vmid, kind: "recovery-preflight", title: `Check ${label(g)} can be recovered on ${g.target}`, params },
    { vmid: g.vmid, kind: "confirm-fenced", title: `${g.source} confirmed powered off or fenced`, params: { node: g.source }, result: { confirmation } },
    still("move"),
    { vmid: g.vmid, kind: "move-config", title: `Move ${label(g)}'s configuration from ${g.source} to ${g.target}`, params },
    ...(g.running
      ? [
          // Asks the holder when the configuration was moved by hand; passes at once when pve-standby moved it.
          { vmid: g.vmid, kind: "confirm-start" as const, title: `Operator's go-ahead for ${label(g)} on ${g.target}`, params },
          still("start"),
          { vmid: g.vmid, kind: "start-guest" as const, title: `Start ${label(g)} on ${g.target}`, params },
        ]
      : []),
    { vmid: g.vmid, kind: "verify-jobs-parked", title: `Show job ${g.jobId} turned around to ${g.target} → ${g.source}`, params },
  ];
}

function refuseOnFailures(pre: RecoveryPreflight): void {
  const failed = pre.checks.filter((c) => c.result === "fail");
  if (failed.length || !pre.plan) throw new UserError(`Not started: ${failed.map((c) => c.message).join(" ") || "the guest or its replica was not found."}`);
}

/** One non-HA guest of a dead node onto a survivor holding its replica. Refused when any check fails. */
export async function startRecovery(
  deps: RecoveryGatherDeps,
  input: { clusterId: string; vmid: number; node: string; target?: string | null; confirmNode: string },
  holder: Holder,
): Promise<CreatedOperation & { preflight: RecoveryPreflight }> {
  const minOfflineSeconds = deps.minOfflineSeconds ?? DEFAULT_MIN_OFFLINE_SECONDS;
  const preflight = await gatherRecoveryPreflight(deps, { clusterId: input.clusterId, vmid: input.vmid, node: input.node, target: input.target ?? null });
  refuseOnFailures(preflight);
  const confirmation = confirmationOf(input.node, input.confirmNode, holder, deps.now());
  const g = preflight.plan as GuestPlan;
  const created = await createOperation(deps, {
    clusterId: input.clusterId, kind: "recovery", title: `Recover ${label(g)} from ${g.source} on ${g.target}`, sourceNode: g.source,
    parallelism: 1, plan: { guests: [g], leftAlone: [], acceptedWarnings: [] }, steps: recoverySteps(g, confirmation, minOfflineSeconds),
  }, holder);
  await auditConfirmation(deps, created.id, holder, confirmation);
  return { ...created, preflight };
}

export type NodeRecoveryGuest = {
  vmid: number;
  name: string | null;
  type: "qemu" | "lxc";
  wasRunning: boolean;
  /** recover: pve-standby recovers it · ha: HA does, followed · none: listed with the reason. */
  action: "recover" | "ha" | "none";
  target: string | null;
  startupOrder: number | null;
  reason: string | null;
  dataLoss: DataLossWindow | null;
  plan: GuestPlan | null;
};

export type NodeRecoveryPlan = { node: string; nodeChecks: RecoveryPreflight["checks"]; quorum: RecoveryPreflight["quorum"]; guests: NodeRecoveryGuest[] };

/**
 * Everything the dead node ran, from the poller's outage record: HA-managed guests are HA's
 * (followed), non-HA guests with a replica are recovered in startup order (pve-manager startall:
 * by `order`, then the rest by VMID), the others listed with the reason.
 */
export async function planNodeRecovery(deps: RecoveryGatherDeps, clusterId: string, node: string): Promise<NodeRecoveryPlan> {
  const outage = await findOpenOutage(deps, clusterId, node);
  const live = await readLiveCluster(deps.client, deps.now);
  const guests: NodeRecoveryGuest[] = [];
  let nodeChecks: RecoveryPreflight["checks"] = [];
  let quorum: RecoveryPreflight["quorum"] = null;
  for (const row of outage?.guests ?? []) {
    const type = row.type === "lxc" ? ("lxc" as const) : ("qemu" as const);
    const base = { vmid: row.vmid, name: row.name, type, wasRunning: row.statusBefore === "running", startupOrder: null };
    const ha = haResourceOf(live, row.vmid);
    const where = guestEntries(live, row.vmid)[0]?.node;
    if (ha && ha.state !== "ignored") {
      const plan: GuestPlan = { vmid: row.vmid, type, name: row.name, source: node, target: where && where !== node ? where : "", mode: "ha", running: base.wasRunning, haSid: ha.sid, jobId: "" };
      guests.push({ ...base, action: "ha", target: plan.target || null, reason: `HA-managed (${ha.sid}): HA recovers it; followed, never moved by hand.`, dataLoss: null, plan });
      continue;
    }
    const pre = await gatherRecoveryPreflight(deps, { clusterId, vmid: row.vmid, node }, { live });
    if (nodeChecks.length === 0) {
      nodeChecks = pre.checks.filter((c) => NODE_CHECKS.includes(c.name));
      quorum = pre.quorum;
    }
    const failed = pre.checks.filter((c) => c.result === "fail" && !NODE_CHECKS.includes(c.name));
    if (failed.length || !pre.plan) {
      guests.push({ ...base, action: "none", target: pre.plan?.target ?? null, reason: failed.map((c) => c.message).join(" ") || "No replica to recover it from.", dataLoss: pre.dataLoss, plan: null });
    } else guests.push({ ...base, action: "recover", target: pre.plan.target, reason: null, dataLoss: pre.dataLoss, plan: pre.plan });
  }
  if (!outage) nodeChecks = [{ name: "Dead node", result: "fail", message: `pve-standby has not recorded ${node} going offline.` }];
  await readStoredStartupOrders(deps, clusterId, guests);
  guests.sort(byStartupOrder);
  return { node, nodeChecks, quorum, guests };
}

/**
 * The startup order the poller kept with each guest's disk list (lib/poller/refresh-disk-lists.ts):
 * a dead node's configurations cannot be read through the API (it proxies to that node), so the
 * last read is the one owner of this fact, with or without a recovery credential.
 */
async function readStoredStartupOrders(deps: RecoveryGatherDeps, clusterId: string, guests: NodeRecoveryGuest[]) {
  const rows = await deps.db.guestDiskList.findMany({ where: { clusterId, vmid: { in: guests.map((g) => g.vmid) } }, select: { vmid: true, startupOrder: true } });
  const orders = new Map(rows.map((r) => [r.vmid, r.startupOrder]));
  for (const g of guests) g.startupOrder = orders.get(g.vmid) ?? null;
}

/** "Recover everything from pve1": one confirmation covers the node; locks every guest it moves or follows. */
export async function startNodeRecovery(
  deps: RecoveryGatherDeps,
  input: { clusterId: string; node: string; parallelism: number; confirmNode: string },
  holder: Holder,
): Promise<CreatedOperation> {
  const minOfflineSeconds = deps.minOfflineSeconds ?? DEFAULT_MIN_OFFLINE_SECONDS;
  const planned = await planNodeRecovery(deps, input.clusterId, input.node);
  const nodeFailed = planned.nodeChecks.filter((c) => c.result === "fail");
  if (nodeFailed.length) throw new UserError(`Not started: ${nodeFailed.map((c) => c.message).join(" ")}`);
  const confirmation = confirmationOf(input.node, input.confirmNode, holder, deps.now());
  const recover = planned.guests.filter((g) => g.action === "recover").map((g) => g.plan as GuestPlan);
  const followed = planned.guests.filter((g) => g.action === "ha").map((g) => g.plan as GuestPlan);
  const leftAlone: LeftAlone[] = planned.guests.filter((g) => g.action === "none").map((g) => ({ vmid: g.vmid, name: g.name, reason: g.reason ?? "Not recoverable." }));
  if (recover.length + followed.length === 0) throw new UserError(`Nothing on ${input.node} can be recovered: ${leftAlone.map((l) => `${l.vmid}: ${l.reason}`).join(" ")}`);
  const steps: StepSpec[] = [
    ...leftAlone.map((l): StepSpec => ({ vmid: l.vmid, kind: "leave-alone", title: `Not recoverable: ${l.vmid}${l.name ? ` (${l.name})` : ""}`, params: l, state: "skipped", message: l.reason })),
    ...recover.flatMap((g) => recoverySteps(g, confirmation, minOfflineSeconds)),
    // HA's guests last: following is passive and must never hold back a recovery lane.
    ...followed.map((g): StepSpec => ({ vmid: g.vmid, kind: "follow-ha", title: `Follow HA's recovery of ${label(g)}`, params: g })),
  ];
  const created = await createOperation(deps, {
    clusterId: input.clusterId, kind: "node-recovery", title: `Recover everything from ${input.node}`, sourceNode: input.node,
    parallelism: Math.max(1, Math.min(MAX_PARALLELISM, input.parallelism)), plan: { guests: [...recover, ...followed], leftAlone, acceptedWarnings: [] }, steps,
  }, holder);
  await auditConfirmation(deps, created.id, holder, confirmation);
  return created;
}

async function auditConfirmation(deps: RecoveryGatherDeps, operationId: string, holder: Holder, confirmation: FencingConfirmation) {
  await recordOperationAudit(
    deps.db, { id: operationId, createdById: holder.id, createdByLabel: holder.label }, "failover.confirm_fenced", "success",
    { node: confirmation.node, typed: confirmation.typed, confirmedBy: confirmation.confirmedBy, note: `${confirmation.confirmedBy} confirmed that ${confirmation.node} is powered off or fenced.` },
    new Date(deps.now()),
  );
}
