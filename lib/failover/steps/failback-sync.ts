import { PveBusinessError } from "@/lib/proxmox/errors";
import { getReplicationJobStatus, scheduleReplicationNow } from "@/lib/proxmox/replication";
import { guestEntries, isOnline, readLiveCluster } from "../live-state";
import type { StepHandler } from "../step-types";
import { failbackPlan, guestLabel, jobOf, siblingResult } from "./failback-common";

// "Replicate now" once the job is enabled again, and the proof that it worked: a successful
// sync of the turned-around job that started after we asked. A failed run is reported with
// Proxmox's error (e.g. "No common base snapshot on volume(s) …"), never as in sync.
// schedule_now takes the guest's migration lock, which a running sync holds for its whole length
// (pve-guest-common ReplicationState.pm schedule_job_now, Replication.pm run_replication): Proxmox
// refuses it then ("can't lock file '…/pve-migrate-<vmid>' - got timeout"), so we ask once it ends.
const MIGRATION_LOCK_TIMEOUT = /^can't lock file '\/var\/lock\/pve-manager\/pve-migrate-\d+' - got timeout/;

export const failbackSyncStep: StepHandler = {
  // A full sync of a large disk (after "keep") can take hours.
  timeoutSeconds: 24 * 3600,
  async check(ctx) {
    const g = failbackPlan(ctx);
    if ((await siblingResult(ctx, "failback-release")).leftDisabled === true) {
      return { outcome: "already-done", message: `Job ${g.jobId} stays disabled as it was before the hold; no sync asked.`, result: { skipped: true } };
    }
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    const job = jobOf(live, g.jobId);
    if (!job) return { outcome: "fail", message: `Job ${g.jobId} no longer exists.` };
    if (!isOnline(live, g.oldNode)) return { outcome: "wait", message: `${g.oldNode} is offline: the job is parked and runs within a minute of its return.` };
    const node = guestEntries(live, g.vmid)[0]?.node;
    if (!node) return { outcome: "fail", message: `${guestLabel(g)} is not in the cluster any more.` };
    const status = (await getReplicationJobStatus(ctx.client, node, g.jobId)).data;
    if (status.pid !== undefined) {
      return { outcome: "wait", message: `Job ${g.jobId} is syncing ${node} → ${status.target} (a run that began before this step); replicate now is asked once it ends.` };
    }
    return { outcome: "ready", message: `Asking ${node} to run job ${g.jobId} now.`, result: { since: live.now, node } };
  },
  async act(ctx) {
    const g = failbackPlan(ctx);
    const node = String(ctx.result.node);
    try {
      await scheduleReplicationNow(ctx.client, node, g.jobId);
    } catch (error) {
      if (!(error instanceof PveBusinessError && MIGRATION_LOCK_TIMEOUT.test(error.message))) throw error;
      // The check saw no run: this one started after it, so it is the proof verify waits for.
      return { message: `Job ${g.jobId} started syncing on ${node} after this step's check; following that run.` };
    }
    return { message: `Replicate now: job ${g.jobId} runs on ${node} at the next scheduler minute.` };
  },
  async adopt() {
    // Asking twice is harmless (schedule_now only makes the job due).
    return { adopted: true, message: "The replicate-now request is idempotent; following the job." };
  },
  async verify(ctx) {
    const g = failbackPlan(ctx);
    if (ctx.result.skipped === true) return { outcome: "done", message: ctx.step.message ?? "No sync asked." };
    const node = String(ctx.result.node);
    const since = Number(ctx.result.since ?? 0);
    const state = (await getReplicationJobStatus(ctx.client, node, g.jobId)).data;
    const result = { lastSync: state.last_sync, failCount: state.fail_count, error: state.error ?? null };
    if (state.last_sync >= since && state.fail_count === 0) {
      return { outcome: "done", message: `Job ${g.jobId} synced ${node} → ${state.target} (run of ${state.last_sync}): the replica on ${state.target} is in sync.`, result };
    }
    if (state.fail_count > 0 && state.last_try >= since && state.pid === undefined) {
      return { outcome: "fail", message: `The sync ${node} → ${state.target} failed: ${state.error ?? "no error text"}. The job is enabled; Proxmox retries it after its back-off.`, result };
    }
    return { outcome: "wait", message: state.pid !== undefined ? `Job ${g.jobId} is syncing.` : `Waiting for job ${g.jobId} to run.`, result };
  },
};
