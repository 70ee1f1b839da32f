import { updateHaResource } from "@/lib/proxmox/ha";
import { getReplicationJobStatus, updateReplicationJob } from "@/lib/proxmox/replication";
import { guestEntries, haResourceOf, readLiveCluster } from "../live-state";
import type { StepContext, StepHandler } from "../step-types";
import { failbackPlan, guestLabel, jobOf, siblingResult } from "./failback-common";

// Holding what would overwrite the old node's writes, and giving it back afterwards:
// - the turned-around job (disable=1): pvesr skips disabled jobs (job_status(0)), so no
//   `zfs recv -F` reaches the old node while the hold stands;
// - HA's failback (PVE 9 resource flag): a failback is a migration, and a migration to a
//   replication target runs the job once more whether it is disabled or not
//   (find_local_replication_job ignores `disable`), so it would roll the old node back too.
// Each records what it found, so the release restores exactly that and never re-enables a job
// or a failback someone else had turned off.

export const failbackHoldJobStep: StepHandler = {
  timeoutSeconds: 300,
  async check(ctx) {
    const g = failbackPlan(ctx);
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    const job = jobOf(live, g.jobId);
    if (!job) return { outcome: "fail", message: `Job ${g.jobId} no longer exists: nothing replicates back to ${g.oldNode}, nothing to hold.` };
    const node = guestEntries(live, g.vmid)[0]?.node;
    if (node === g.oldNode) return { outcome: "fail", message: `${guestLabel(g)} runs on ${g.oldNode} again; there is nothing to hold.` };
    // Turned around and already synced from the new node: the rollback happened.
    if (job.target === g.oldNode && node) {
      const state = await getReplicationJobStatus(ctx.client, node, g.jobId).then((r) => r.data);
      if (state.last_sync > 0) {
        return { outcome: "fail", message: `Job ${g.jobId} already synced ${node} → ${g.oldNode} (at ${state.last_sync}): ${g.oldNode}'s writes after the failure were already rolled back.` };
      }
    }
    if (job.disable) return { outcome: "already-done", message: `Job ${g.jobId} was already disabled before the hold; it stays as it was.`, result: { disabledBefore: true } };
    return { outcome: "ready", message: `Job ${g.jobId} is enabled; disabling it until you choose to keep or discard ${g.oldNode}'s writes.`, result: { disabledBefore: false, checkedAt: live.now } };
  },
  async act(ctx) {
    const g = failbackPlan(ctx);
    await updateReplicationJob(ctx.client, g.jobId, { disable: true });
    return { message: `Disabled job ${g.jobId} (pvesr disable): no sync runs to ${g.oldNode} while the hold stands.` };
  },
  async adopt(ctx) {
    const g = failbackPlan(ctx);
    const job = jobOf(await readLiveCluster(ctx.client, ctx.deps.now), g.jobId);
    return job?.disable ? { adopted: true, message: `Job ${g.jobId} is disabled: the request went out before the restart.` } : { adopted: false };
  },
  async verify(ctx) {
    const g = failbackPlan(ctx);
    const job = jobOf(await readLiveCluster(ctx.client, ctx.deps.now), g.jobId);
    if (!job) return { outcome: "fail", message: `Job ${g.jobId} disappeared.` };
    if (!job.disable) return { outcome: "wait", message: `Waiting for Proxmox to show job ${g.jobId} disabled.` };
    return { outcome: "done", message: `Replication ${job.source ?? "?"} → ${job.target} (job ${g.jobId}) is held: the job is disabled.` };
  },
};

export const failbackReleaseStep: StepHandler = {
  timeoutSeconds: 300,
  async check(ctx) {
    const g = failbackPlan(ctx);
    const hold = await siblingResult(ctx, "failback-hold-job");
    if (hold.disabledBefore === true) return { outcome: "already-done", message: `Job ${g.jobId} was disabled before the hold: left disabled, as it was.`, result: { leftDisabled: true } };
    const job = jobOf(await readLiveCluster(ctx.client, ctx.deps.now), g.jobId);
    if (!job) return { outcome: "fail", message: `Job ${g.jobId} no longer exists.` };
    if (!job.disable) return { outcome: "already-done", message: `Job ${g.jobId} is already enabled.` };
    return { outcome: "ready", message: `Re-enabling job ${g.jobId}.` };
  },
  async act(ctx) {
    const g = failbackPlan(ctx);
    // `pvesr enable` is the same call with disable=0.
    await updateReplicationJob(ctx.client, g.jobId, { disable: false });
    return { message: `Re-enabled job ${g.jobId} (pvesr enable): replication to ${g.oldNode} resumes.` };
  },
  async adopt(ctx) {
    const g = failbackPlan(ctx);
    const job = jobOf(await readLiveCluster(ctx.client, ctx.deps.now), g.jobId);
    return job && !job.disable ? { adopted: true, message: `Job ${g.jobId} is enabled: the request went out before the restart.` } : { adopted: false };
  },
  async verify(ctx) {
    const g = failbackPlan(ctx);
    if (ctx.result.leftDisabled === true) return { outcome: "done", message: `Job ${g.jobId} left disabled, as it was before the hold.` };
    const job = jobOf(await readLiveCluster(ctx.client, ctx.deps.now), g.jobId);
    if (!job) return { outcome: "fail", message: `Job ${g.jobId} disappeared.` };
    if (job.disable) return { outcome: "wait", message: `Waiting for Proxmox to show job ${g.jobId} enabled.` };
    return { outcome: "done", message: `Job ${g.jobId} is enabled again (${job.source ?? "?"} → ${job.target}).` };
  },
};

const sidOf = (ctx: StepContext) => failbackPlan(ctx).haSid ?? "";

export const failbackHoldHaStep: StepHandler = {
  timeoutSeconds: 300,
  async check(ctx) {
    const g = failbackPlan(ctx);
    const res = haResourceOf(await readLiveCluster(ctx.client, ctx.deps.now), g.vmid);
    if (!res) return { outcome: "already-done", message: `${sidOf(ctx)} is no longer HA-managed: HA will not move it back.`, result: { failbackBefore: false } };
    if (res.failback === false) return { outcome: "already-done", message: `${res.sid} already has failback off; it stays as it was.`, result: { failbackBefore: false } };
    return { outcome: "ready", message: `${res.sid} has failback on: HA would migrate it back to ${g.oldNode} as soon as it is online, replicating over its disks first.`, result: { failbackBefore: true } };
  },
  async act(ctx) {
    const g = failbackPlan(ctx);
    await updateHaResource(ctx.client, sidOf(ctx), { failback: false });
    return { message: `Set failback=0 on ${sidOf(ctx)}: HA leaves it on ${g.newNode} when ${g.oldNode} returns.` };
  },
  async adopt(ctx) {
    const res = haResourceOf(await readLiveCluster(ctx.client, ctx.deps.now), failbackPlan(ctx).vmid);
    return res?.failback === false ? { adopted: true, message: `${res.sid} has failback off: the request went out before the restart.` } : { adopted: false };
  },
  async verify(ctx) {
    const res = haResourceOf(await readLiveCluster(ctx.client, ctx.deps.now), failbackPlan(ctx).vmid);
    if (!res || res.failback === false) return { outcome: "done", message: `HA's failback of ${sidOf(ctx)} is held (failback=0).` };
    return { outcome: "wait", message: `Waiting for Proxmox to show failback=0 on ${res.sid}.` };
  },
};

export const failbackRestoreHaStep: StepHandler = {
  timeoutSeconds: 300,
  async check(ctx) {
    const g = failbackPlan(ctx);
    const hold = await siblingResult(ctx, "failback-hold-ha");
    if (hold.failbackBefore !== true) return { outcome: "already-done", message: `Failback of ${sidOf(ctx)} was off before the hold: left as it was.`, result: { leftOff: true } };
    const res = haResourceOf(await readLiveCluster(ctx.client, ctx.deps.now), g.vmid);
    if (!res) return { outcome: "already-done", message: `${sidOf(ctx)} is no longer HA-managed.`, result: { leftOff: true } };
    if (res.failback !== false) return { outcome: "already-done", message: `${res.sid} has failback on again.` };
    return { outcome: "ready", message: `The replicas are in sync; restoring failback on ${res.sid}.` };
  },
  async act(ctx) {
    const g = failbackPlan(ctx);
    await updateHaResource(ctx.client, sidOf(ctx), { failback: true });
    return { message: `Set failback=1 on ${sidOf(ctx)} again: HA migrates it back to ${g.oldNode} (an incremental sync, nothing left to discard).` };
  },
  async adopt(ctx) {
    const res = haResourceOf(await readLiveCluster(ctx.client, ctx.deps.now), failbackPlan(ctx).vmid);
    return res && res.failback !== false ? { adopted: true, message: `${res.sid} has failback on: the request went out before the restart.` } : { adopted: false };
  },
  async verify(ctx) {
    if (ctx.result.leftOff === true) return { outcome: "done", message: ctx.step.message ?? "Left as it was." };
    const res = haResourceOf(await readLiveCluster(ctx.client, ctx.deps.now), failbackPlan(ctx).vmid);
    if (res && res.failback === false) return { outcome: "wait", message: `Waiting for Proxmox to show failback on ${res.sid}.` };
    return { outcome: "done", message: `HA's failback of ${sidOf(ctx)} is restored.` };
  },
};
