import { UserError } from "@/lib/auth/users";
import { byStartupOrder, readStartupOrder } from "@/lib/proxmox/guest-config";
import type { Prisma } from "@/prisma/generated/client";
import { gatherSwitchoverPreflight, readGuestFacts, type GatherDeps } from "./gather";
import { isOnline, jobsOfGuest, readLiveCluster } from "./live-state";
import { acquireGuestLocks, type Holder } from "./lock";
import type { Preflight } from "./preflight";
import type { z } from "zod";
import type { GuestPlan, LeftAlone, OperationKind, StepKind } from "./types";
import type { operationPlanSchema } from "./types";

// Planning: turns the operator's choice into a stored operation with its steps and locks.

export const MAX_PARALLELISM = 10;

export type StepSpec = {
  vmid: number; kind: StepKind; title: string; params: unknown; state?: "pending" | "skipped"; message?: string;
  /** What the step starts with (e.g. the operator's fencing confirmation, stored by the start route). */
  result?: Record<string, unknown>;
};

export const label = (g: { type: string; vmid: number; name: string | null }) => `${g.type === "lxc" ? "CT" : "VM"} ${g.vmid}${g.name ? ` (${g.name})` : ""}`;

const MODE_WORDS: Record<GuestPlan["mode"], string> = {
  online: "live",
  offline: "offline",
  restart: "in restart mode",
  ha: "through HA",
  recover: "from its dead node",
};

export function stepsForGuest(g: GuestPlan): StepSpec[] {
  return [
    { vmid: g.vmid, kind: "preflight", title: `Check ${label(g)} can move to ${g.target}`, params: g },
    { vmid: g.vmid, kind: "migrate", title: `Migrate ${label(g)} to ${g.target} ${MODE_WORDS[g.mode]}`, params: g },
    { vmid: g.vmid, kind: "verify-placement", title: `Confirm ${label(g)} runs on ${g.target} and nowhere else`, params: g },
    { vmid: g.vmid, kind: "verify-jobs", title: `Confirm job ${g.jobId} turned around to ${g.target} → ${g.source}`, params: g },
  ];
}

export type CreatedOperation = { id: string; title: string };

/** Stores an operation, its steps and its guests' locks in one transaction. `lockVmids` defaults to the plan's guests. */
export async function createOperation(
  deps: Pick<GatherDeps, "db" | "now">,
  input: { clusterId: string; kind: OperationKind; title: string; sourceNode: string | null; parallelism: number; plan: z.input<typeof operationPlanSchema>; steps: StepSpec[]; lockVmids?: number[] },
  holder: Holder,
): Promise<CreatedOperation> {
  const at = new Date(deps.now());
  const vmids = input.lockVmids ?? input.plan.guests.map((g) => g.vmid);
  if (vmids.length === 0) throw new UserError("There is no guest to move.");
  return deps.db.$transaction(async (tx) => {
    const op = await tx.failoverOperation.create({
      data: {
        clusterId: input.clusterId, kind: input.kind, title: input.title, sourceNode: input.sourceNode, state: "running",
        parallelism: input.parallelism, plan: JSON.stringify(input.plan), createdById: holder.id, createdByLabel: holder.label, createdAt: at,
      },
    });
    await acquireGuestLocks(tx, input.clusterId, vmids, op.id, holder, at);
    await tx.failoverStep.createMany({
      data: input.steps.map((s, seq): Prisma.FailoverStepCreateManyInput => ({
        operationId: op.id, seq, vmid: s.vmid, kind: s.kind, title: s.title, params: JSON.stringify(s.params),
        state: s.state ?? "pending", message: s.message ?? null, result: s.result ? JSON.stringify(s.result) : undefined,
      })),
    });
    return { id: op.id, title: op.title };
  });
}

/** One guest to one of its replication targets. Refused when a check fails; warnings must have been seen. */
export async function startSwitchover(
  deps: GatherDeps,
  input: { clusterId: string; vmid: number; target: string; acceptWarnings: boolean },
  holder: Holder,
): Promise<CreatedOperation & { preflight: Preflight }> {
  const preflight = await gatherSwitchoverPreflight(deps, input.clusterId, input.vmid, input.target);
  const failed = preflight.checks.filter((c) => c.result === "fail");
  if (failed.length || !preflight.plan) throw new UserError(`Not started: ${failed.map((c) => c.message).join(" ") || "the guest or its job was not found."}`);
  const warnings = preflight.checks.filter((c) => c.result === "warning").map((c) => c.message);
  if (warnings.length && !input.acceptWarnings) throw new UserError(`Confirm the warnings first: ${warnings.join(" ")}`);
  const g = preflight.plan;
  const created = await createOperation(deps, {
    clusterId: input.clusterId, kind: "switchover", title: `Switch over ${label(g)} from ${g.source} to ${g.target}`, sourceNode: g.source,
    parallelism: 1, plan: { guests: [g], leftAlone: [], acceptedWarnings: warnings }, steps: stepsForGuest(g),
  }, holder);
  return { ...created, preflight };
}

export type EvacuationGuest = {
  vmid: number;
  name: string | null;
  type: "qemu" | "lxc";
  running: boolean;
  startupOrder: number | null;
  /** Set when the guest moves; null when it is left alone (see `reason`). */
  preflight: Preflight | null;
  reason: string | null;
};

/**
 * Every guest of the node: those with a replica on an online node move there (the freshest such
 * replica), in startup order (pve-manager startall: by `order`, then those without one, by VMID);
 * the others are listed with the reason they stay.
 */
export async function planEvacuation(deps: GatherDeps, clusterId: string, node: string): Promise<{ node: string; guests: EvacuationGuest[] }> {
  const live = await readLiveCluster(deps.client, deps.now);
  if (!live.nodes.has(node)) throw new UserError(`Node ${node} is not a member of this cluster.`);
  const onNode = live.guests.filter((g) => g.node === node && g.vmid !== undefined && !g.template);
  const guests: EvacuationGuest[] = [];
  for (const g of onNode) {
    const vmid = g.vmid as number;
    const base = { vmid, name: g.name ?? null, type: g.type === "lxc" ? ("lxc" as const) : ("qemu" as const), running: g.status === "running" };
    const facts = await readGuestFacts(deps.client, live, vmid);
    const startupOrder = readStartupOrder(typeof facts.config?.startup === "string" ? facts.config.startup : undefined);
    const jobs = jobsOfGuest(live, vmid).filter((j) => !j.remove_job);
    if (jobs.length === 0) {
      guests.push({ ...base, startupOrder, preflight: null, reason: "No replica: it has no replication job, so there is no copy to switch to." });
      continue;
    }
    const online = jobs.filter((j) => isOnline(live, j.target));
    if (online.length === 0) {
      guests.push({ ...base, startupOrder, preflight: null, reason: `Its replicas are on ${jobs.map((j) => j.target).join(", ")}, which ${jobs.length > 1 ? "are" : "is"} offline.` });
      continue;
    }
    const lastSync = (id: string) => facts.states.find((s) => s.id === id)?.last_sync ?? 0;
    const best = [...online].sort((a, b) => lastSync(b.id) - lastSync(a.id) || a.jobnum - b.jobnum)[0]!;
    const preflight = await gatherSwitchoverPreflight(deps, clusterId, vmid, best.target, { live });
    guests.push({ ...base, startupOrder, preflight, reason: null });
  }
  guests.sort(byStartupOrder);
  return { node, guests };
}

export async function startEvacuation(
  deps: GatherDeps,
  input: { clusterId: string; node: string; parallelism: number; acceptWarnings: boolean },
  holder: Holder,
): Promise<CreatedOperation> {
  const planned = await planEvacuation(deps, input.clusterId, input.node);
  const moving: GuestPlan[] = [];
  const leftAlone: LeftAlone[] = [];
  const warnings: string[] = [];
  for (const g of planned.guests) {
    const failed = g.preflight?.checks.filter((c) => c.result === "fail") ?? [];
    if (!g.preflight?.plan || failed.length) {
      leftAlone.push({ vmid: g.vmid, name: g.name, reason: g.reason ?? `Cannot move: ${failed.map((c) => c.message).join(" ")}` });
      continue;
    }
    moving.push(g.preflight.plan);
    warnings.push(...g.preflight.checks.filter((c) => c.result === "warning").map((c) => `${g.vmid}: ${c.message}`));
  }
  if (moving.length === 0) throw new UserError(`Nothing on ${input.node} can be moved: ${leftAlone.map((l) => `${l.vmid}: ${l.reason}`).join(" ")}`);
  if (warnings.length && !input.acceptWarnings) throw new UserError(`Confirm the warnings first: ${warnings.join(" ")}`);
  const steps: StepSpec[] = [
    ...leftAlone.map((l): StepSpec => ({ vmid: l.vmid, kind: "leave-alone", title: `Leave ${l.vmid}${l.name ? ` (${l.name})` : ""} on ${input.node}`, params: l, state: "skipped", message: l.reason })),
    ...moving.flatMap(stepsForGuest),
  ];
  return createOperation(deps, {
    clusterId: input.clusterId, kind: "evacuation", title: `Evacuate ${input.node}`, sourceNode: input.node,
    parallelism: Math.max(1, Math.min(MAX_PARALLELISM, input.parallelism)), plan: { guests: moving, leftAlone, acceptedWarnings: warnings }, steps,
  }, holder);
}
