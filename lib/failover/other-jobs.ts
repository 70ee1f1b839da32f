import { formatBytes } from "@/lib/replication/format-bytes";
import { formatDuration } from "@/lib/replication/format-duration";
import { diskCoverage, type StoredDisk } from "./disk-list";
import type { OutageReplica } from "./outage";
import type { Check } from "./types";

// What becomes of a guest's OTHER replication jobs (to a third node) when the guest moves to one
// of its replicas, in Proxmox's terms (reference §3.5, §3.7, §6.9; pve-guest-common
// Replication.pm find_common_replication_snapshot and prepare, AbstractMigrate.pm
// transfer_replication_state, pve-manager PVE/CLI/pvesr.pm set_state). Pure, client-safe.
//
// Facts the sentences rest on:
// - pvesr sends `zfs send -R [-I base]`: every replication stream carries the source's other
//   snapshots too, and `zfs recv -F` keeps whatever the sender still has. A job's last snapshot
//   stays on the source until its next success, so every replica holds the other jobs' latest
//   snapshots as they were at its own last sync.
// - The common base is the job's last_sync snapshot if both sides hold it, else the newest
//   replication snapshot of ANY job both hold (same name and GUID); "No common base snapshot"
//   only when none exists, and a replica that is absent gets a full sync.
// - Migration: `pvesr set-state` hands the new node every job's state; the final sync of the job
//   to the new node carries the other job's last snapshot there: it continues incrementally.
// - Recovery (config moved, no migration): the new node has no state for any job (last_sync 0),
//   so the job is due at once and takes the newest shared snapshot. If the third node synced
//   after the recovered replica did, that base is the recovered replica's snapshot and the
//   third node's `zfs recv -F` rolls it back to it: the newer writes it held are gone.

export const OTHER_JOBS_CHECK = "Other replicas";

export type MoveKind = "migration" | "recovery";

export type GuestJobFacts = {
  id: string;
  target: string;
  /** Unix seconds of the last completed sync; 0 = never; null = not known to pve-standby. */
  lastSync: number | null;
};

export type OtherJobsInput = {
  kind: MoveKind;
  /** The node the guest moves to (the target of the job it moves along). */
  target: string;
  /** Every job of the guest (the one to `target` included), as the preflight has them. */
  jobs: GuestJobFacts[];
  /** Provisioned size of the guest's replicated disks; null when not known. */
  diskBytes: number | null;
};

/** One check per job of the guest to another node: pass, or warning with what it costs. */
export function otherJobsAfterMove(input: OtherJobsInput): Check[] {
  const moved = input.jobs.find((j) => j.target === input.target);
  const others = input.jobs.filter((j) => j.target !== input.target);
  return others.map((job) => (input.kind === "migration" ? afterMigration(input, job) : afterRecovery(input, job, moved)));
}

function fullSync(input: OtherJobsInput, job: GuestJobFacts): string {
  const size = input.diskBytes ? ` (${formatBytes(input.diskBytes)} provisioned)` : "";
  return `Job ${job.id} to ${job.target} has never completed a sync: its first run, from ${input.target} after the move, copies the replicated disks in full${size}.`;
}

function afterMigration(input: OtherJobsInput, job: GuestJobFacts): Check {
  if (job.lastSync === 0) return warning(fullSync(input, job));
  return pass(
    `Job ${job.id} to ${job.target} moves with the guest: Proxmox hands its state to ${input.target}, whose final sync carries the job's last snapshot along, so it continues incrementally from ${input.target}.`,
  );
}

function afterRecovery(input: OtherJobsInput, job: GuestJobFacts, moved: GuestJobFacts | undefined): Check {
  if (job.lastSync === 0) return warning(fullSync(input, job));
  const recovered = moved?.lastSync ?? null;
  if (job.lastSync === null || recovered === null || recovered === 0) {
    return pass(
      `Job ${job.id} to ${job.target} runs from ${input.target} at once after the move (no state there yet); it normally finds a snapshot both nodes share and sends only the difference.`,
    );
  }
  if (job.lastSync > recovered) {
    return warning(
      `${job.target} holds a newer copy (job ${job.id} synced ${formatDuration(job.lastSync - recovered)} after ${input.target}'s last sync): the job's first run from ${input.target}, at once after the move, rolls ${job.target} back to ${input.target}'s snapshot and discards those ${formatDuration(job.lastSync - recovered)} of writes; recovering to ${job.target} loses less.`,
    );
  }
  return pass(
    `Job ${job.id} to ${job.target} runs from ${input.target} at once after the move: ${input.target} holds the job's last snapshot, so it sends only what changed since.`,
  );
}

function pass(message: string): Check {
  return { name: OTHER_JOBS_CHECK, result: "pass", message };
}

function warning(message: string): Check {
  return { name: OTHER_JOBS_CHECK, result: "warning", message };
}

/** The recovery's view: a job the poller recorded at the outage has its last_sync (null there = never); others are unknown. */
export function recoveryJobFacts(jobs: { id: string; target: string }[], replicas: OutageReplica[]): GuestJobFacts[] {
  return jobs.map((j) => {
    const replica = replicas.find((r) => r.jobId === j.id);
    return { id: j.id, target: j.target, lastSync: replica ? (replica.lastSync ?? 0) : null };
  });
}

/** Provisioned size of the kept disks that replication copies; null when none is known. */
export function replicatedDiskBytes(disks: StoredDisk[] | null): number | null {
  const total = (disks ?? []).filter((d) => diskCoverage(d).kind === "replicated").reduce((sum, d) => sum + (d.sizeBytes ?? 0), 0);
  return total > 0 ? total : null;
}
