// Plain inputs of the replication domain rules, named as Proxmox names them so the poller can
// pass parsed API objects straight through. All times are Unix seconds on the cluster's clock.

/** A job as `/etc/pve/replication.cfg` holds it (`GET /cluster/replication`). */
export type JobConfig = {
  id: string;
  guest: number;
  jobnum: number;
  target: string;
  /** The node owning the guest, as Proxmox last recorded it (auto-filled by the owner). */
  source?: string;
  /** Absent means Proxmox's default `*\/15` (ReplicationState.pm job_status). */
  schedule?: string;
  rate?: number;
  comment?: string;
  disable?: boolean;
  remove_job?: "local" | "full";
};

/**
 * The node-local state of a job as its owner reports it (`GET /nodes/{owner}/replication`).
 * Missing fields follow ReplicationState.pm extract_job_state: absent times and counts are 0.
 */
export type JobState = {
  /** Start time of the last successful sync; 0 = never. The point in time the replica holds. */
  last_sync: number;
  /** Start time of the last attempt; 0 = never, or reset by schedule_now. */
  last_try: number;
  /** 0 = nothing scheduled (failing with target offline, or schedule never fires); 1 = removal pending. */
  next_sync: number;
  fail_count: number;
  error?: string;
  /** Seconds (float) of the last finished run, successful or not. */
  duration?: number;
  /** Only while a sync runs (the API checks the process is alive). */
  pid?: number;
};

/** Proxmox's schedule when a job has none (ReplicationState.pm job_status). */
export const DEFAULT_SCHEDULE = "*/15";

/** One point of a lag series: `lag` is cluster time − last_sync at `t`, null when unknown. */
export type LagSample = { t: number; lag: number | null };

/** A point that certainly has a lag (chart input). */
export type LagPoint = { t: number; lag: number };
