import { z } from "zod";
import { getHaStatus } from "@/lib/proxmox/ha";
import { getNodeReplicationStatus } from "@/lib/proxmox/replication";
import { guestEntries, isOnline, jobsOfGuest, readLiveCluster } from "../live-state";
import { gatherRecoveryPreflight } from "../recovery-gather";
import { DEFAULT_MIN_OFFLINE_SECONDS } from "../recovery-preflight";
import type { StepContext, StepHandler } from "../step-types";
import { guestPlanSchema, type GuestPlan } from "../types";

// The checks of a recovery from a dead node (reference §6.9): the checklist again before acting,
// the operator's fencing confirmation, "still dead" right before the move and before the start,
// and afterwards the jobs Proxmox turned around (§3.7) and parked while the old node is down.

export const recoveryParamsSchema = guestPlanSchema.extend({ minOfflineSeconds: z.number().int().positive().default(DEFAULT_MIN_OFFLINE_SECONDS) });
export type RecoveryParams = z.infer<typeof recoveryParamsSchema>;
export const recoveryParams = (ctx: StepContext) => recoveryParamsSchema.parse(ctx.params);
export const guestLabel = (g: Pick<GuestPlan, "type" | "vmid">) => `${g.type === "lxc" ? "CT" : "VM"} ${g.vmid}`;

/** The recovery checklist, run again against live state right before anything is moved. */
export const recoveryPreflightStep: StepHandler = {
  timeoutSeconds: 600,
  async check(ctx) {
    const g = recoveryParams(ctx);
    const pre = await gatherRecoveryPreflight(
      { db: ctx.deps.db, client: ctx.client, now: ctx.deps.now, minOfflineSeconds: g.minOfflineSeconds },
      { clusterId: ctx.op.clusterId, vmid: g.vmid, node: g.source, target: g.target },
      { ownOperationId: ctx.op.id },
    );
    const failed = pre.checks.filter((c) => c.result === "fail");
    if (failed.length) return { outcome: "fail", checks: pre.checks, message: `Not recovered: ${failed.map((c) => c.message).join(" ")}` };
    return { outcome: "ready", checks: pre.checks, message: pre.alreadyMoved ? `The configuration is already on ${g.target}; only the start remains.` : "All checks passed.", result: { dataLoss: pre.dataLoss } };
  },
  async verify(ctx) {
    return { outcome: "done", message: ctx.step.message ?? "Checked." };
  },
};

/** Stored by the start route (one typed confirmation covers the node): who, when, what they typed. */
export const fencingConfirmationSchema = z.object({ node: z.string(), typed: z.string(), confirmedBy: z.string(), confirmedAt: z.string() });

/** The operator's typed confirmation that the dead node is powered off or fenced: waits until stored. */
export const confirmFencedStep: StepHandler = {
  timeoutSeconds: 24 * 3600,
  async check(ctx) {
    const node = z.object({ node: z.string() }).parse(ctx.params).node;
    const confirmation = fencingConfirmationSchema.safeParse(ctx.result.confirmation);
    if (!confirmation.success || confirmation.data.typed !== node || confirmation.data.node !== node) {
      return { outcome: "wait", message: `Waiting for an operator to confirm, by typing ${node}, that it is powered off or fenced.` };
    }
    const c = confirmation.data;
    return { outcome: "ready", message: `${c.confirmedBy} confirmed at ${c.confirmedAt} that ${node} is powered off or fenced (typed "${c.typed}").` };
  },
  async verify(ctx) {
    return { outcome: "done", message: ctx.step.message ?? "Confirmed." };
  },
};

const phaseSchema = z.object({ node: z.string(), phase: z.enum(["move", "start"]), vmid: z.number().int(), type: z.enum(["qemu", "lxc"]), target: z.string() });

/**
 * The dead node is still offline, read right before the move and right before the start. If it
 * came back, stop: it may still run the guest from its own disks, and nothing here may run it twice.
 */
export const verifyNodeDeadStep: StepHandler = {
  timeoutSeconds: 120,
  async check(ctx) {
    const p = phaseSchema.parse(ctx.params);
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    if (!live.nodes.has(p.node)) return { outcome: "fail", message: `${p.node} is no longer a cluster member; stopped.` };
    if (isOnline(live, p.node)) return { outcome: "fail", message: nodeBackMessage(p, guestEntries(live, p.vmid)[0]?.node ?? null) };
    return { outcome: "ready", message: `${p.node} is still offline (read at ${new Date(live.now * 1000).toISOString()}, cluster clock).` };
  },
  async verify(ctx) {
    return { outcome: "done", message: ctx.step.message ?? "Still offline." };
  },
};

/** What the operator must know when the "dead" node returns mid-recovery. */
export function nodeBackMessage(p: { node: string; phase: "move" | "start"; vmid: number; type: "qemu" | "lxc"; target: string }, configOn: string | null): string {
  const g = guestLabel(p);
  const cmd = p.type === "lxc" ? "pct" : "qm";
  if (p.phase === "move" || configOn === p.node) {
    return `${p.node} is back online: stopped before moving anything. ${g} stays ${p.node}'s guest; check it there (${cmd} status ${p.vmid} on ${p.node}) and start it there if it is not running. No recovery is needed any more.`;
  }
  return `${p.node} is back online: stopped, and ${g} was NOT started on ${p.target}. Its configuration is now on ${configOn ?? p.target}, but ${p.node} still has its own disks and may still be running the guest from them. ` +
    `On ${p.node} run \`${cmd} status ${p.vmid}\` (and \`ps\` for its process): if it runs there, stop it before anything else. Then decide which copy to keep: ${p.node}'s disks hold the writes since the last sync, ${p.target}'s replica does not. Start it on one node only.`;
}

/** Proxmox turns the job around on the new node and parks it while the old source is down (§3.7). */
export const verifyJobsParkedStep: StepHandler = {
  timeoutSeconds: 600,
  async check() {
    return { outcome: "already-done", message: "Reading the replication jobs." };
  },
  async verify(ctx) {
    const g = recoveryParams(ctx);
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    // Reading the state on the new node is also what makes Proxmox evaluate (and turn) the job.
    const states = await getNodeReplicationStatus(ctx.client, g.target, { guest: g.vmid }).then((r) => r.data);
    const jobs = jobsOfGuest(live, g.vmid);
    const result = { jobs: jobs.map((j) => ({ id: j.id, source: j.source ?? null, target: j.target, nextSync: states.find((s) => s.id === j.id)?.next_sync ?? null })) };
    const job = jobs.find((j) => j.id === g.jobId);
    if (!job) return { outcome: "fail", message: `Job ${g.jobId} no longer exists.`, result };
    if (job.source !== g.target || job.target !== g.source) {
      return { outcome: "wait", message: `Job ${g.jobId} still reads ${job.source ?? "?"} → ${job.target}; waiting for Proxmox on ${g.target} to turn it around (within about a minute).`, result };
    }
    const others = jobs.filter((j) => j.id !== g.jobId).map((j) => `${j.id} now replicates ${g.target} → ${j.target}`);
    const parked = isOnline(live, g.source)
      ? `${g.source} is back: its next sync back discards what ${g.source} wrote after the last sync, unless that is kept first.`
      : `Parked while ${g.source} is down: no copy back until it returns; the sync back then discards what ${g.source} wrote after the last sync.`;
    return { outcome: "done", message: `Job ${g.jobId} now replicates ${g.target} → ${g.source}, turned around by Proxmox. ${parked}${others.length ? ` ${others.join("; ")}.` : ""}`, result };
  },
};

/** A HA-managed guest of a recovered node: HA recovers it; the operation follows it and never moves it. */
export const followHaStep: StepHandler = {
  timeoutSeconds: 900,
  async check() {
    return { outcome: "already-done", message: "Following HA's recovery." };
  },
  async verify(ctx) {
    const g = guestPlanSchema.parse(ctx.params);
    const [status, live] = await Promise.all([getHaStatus(ctx.client), readLiveCluster(ctx.client, ctx.deps.now)]);
    const service = status.data.find((e) => e.type === "service" && e.sid === g.haSid);
    const crm = service?.crm_state ?? service?.state;
    const node = guestEntries(live, g.vmid)[0]?.node ?? null;
    const result = { haStatus: service?.status ?? null, node };
    if (crm === "error") return { outcome: "fail", message: `HA put ${g.haSid} in the error state (${service?.status}).`, result };
    const wanted = g.running ? "started" : "stopped";
    if (node && node !== g.source && crm === wanted && isOnline(live, node)) {
      return { outcome: "done", message: `HA recovered ${g.haSid} to ${node} (${wanted}).`, result };
    }
    return { outcome: "wait", message: `HA: ${service?.status ?? "no status yet"}.`, result };
  },
};
