import type { ClusterModel } from "./cluster";
import type { Guest, JobConfig, JobState } from "./model-types";
import { runKind, type RunPlan } from "./replication-run";

// The replication bookkeeping of a guest migration to a replication target (qemu-server /
// pve-container migrate with pve-guest-common's Replication and ReplicationState): the sync the
// migration runs first, and the job states that follow the guest to its new node.

/** The replication run inside the migration: its snapshots, and the job's state and log on the source. */
export function recordMigrationSync(model: ClusterModel, source: string, job: JobConfig, plan: RunPlan): void {
  plan.apply();
  const state = model.ensureJobState(source, job);
  state.last_sync = plan.start;
  state.last_try = plan.start;
  state.last_iteration = plan.start;
  state.fail_count = 0;
  state.duration = Math.round(plan.duration * 1e6) / 1e6;
  delete state.error;
  model.setLog(source, job.id, plan.lines);
  model.recordRun({ jobId: job.id, node: source, start: plan.start, end: plan.start + plan.duration, outcome: "ok", kind: runKind(plan) });
}

/**
 * transfer_replication_state: `pvesr set-state` writes the guest's whole state, every job's
 * (ReplicationState::extract_vmid_tranfer_state, PVE/CLI/pvesr.pm set_state), to the new node,
 * the migrated job's `local/<target>` renamed `local/<old source>`. A sibling job to a third node
 * therefore keeps its last_sync there and continues incrementally from its own snapshot, which the
 * migration's sync carried over (-R). The old source keeps its copy until purge_old_states.
 * switch_replication_job_target: the migrated job now runs target → old source.
 */
export function transferReplicationState(model: ClusterModel, guest: Guest, job: JobConfig, source: string, target: string): void {
  const siblings = model.jobsOfGuest(guest.vmid);
  const carried = siblings.map((j) => [j, model.jobState(source, j)] as const);
  model.deleteJobState(source, job);
  for (const sibling of siblings) {
    if (sibling.target === target) sibling.target = source;
    sibling.source = target;
  }
  for (const [sibling, state] of carried) {
    model.deleteJobState(target, sibling);
    if (!state) continue;
    const copy: JobState = { ...state, storeid_list: [...state.storeid_list] };
    delete copy.pid;
    Object.assign(model.ensureJobState(target, sibling), copy);
  }
}
