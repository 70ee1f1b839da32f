/** Plain data of the simulated cluster. Times are unix seconds on the simulator clock. */

export type GuestType = "qemu" | "lxc";

export type SimNode = {
  name: string;
  nodeid: number;
  ip: string;
  online: boolean;
  cpus: number;
  memory: number;
  /** When the node (re)booted; uptime derives from it. */
  bootTime: number;
  /** SHA-256 of the node's certificate (`AA:BB:...`), known once certificates exist. */
  sslFingerprint?: string;
  /** When the node went down (simulator clock); guests' live figures go stale 5 minutes later. */
  offlineSince?: number;
};

export type StorageConfig = {
  storage: string;
  type: "zfspool" | "dir";
  content: string;
  /** ZFS dataset of a zfspool storage, e.g. `rpool/data`. */
  pool?: string;
  path?: string;
  sparse?: number;
  shared: number;
};

export type NodeStorage = {
  total: number;
  /** Bytes used by data outside guest volumes (the control API's fill level). */
  extraUsed: number;
};

export type Volume = {
  volid: string;
  storage: string;
  vmid: number;
  format: "raw" | "subvol" | "qcow2";
  size: number;
  used: number;
  ctime: number;
  /** ZFS snapshots by name → creation time. */
  snapshots: Map<string, number>;
  /**
   * Writes after the newest snapshot that exist only on this copy (the node died while the guest
   * ran here, and the guest moved on): the next `zfs recv -F` into this volume discards them.
   */
  divergent?: { since: number; until: number; bytes: number };
};

export type GuestDisk = {
  /** Config key: scsi0, virtio1, rootfs, mp0 ... */
  key: string;
  volid: string;
  size: number;
  /** The per-disk `replicate` option (default 1). */
  replicate: boolean;
};

export type Guest = {
  vmid: number;
  type: GuestType;
  name: string;
  node: string;
  status: "running" | "stopped";
  cpus: number;
  maxmem: number;
  disks: GuestDisk[];
  /** Average bytes written per second; the daily rhythm modulates it. */
  changeRate: number;
  startedAt: number;
  ostype: string;
  tags?: string;
  onboot?: number;
  /** `startup: order=N[,up=S][,down=S]`, the order pve-manager's startall (and a node recovery) follows. */
  startup?: string;
  /** Config lock (`lock: migrate` while a migration runs). */
  lock?: string;
};

export type JobConfig = {
  id: string;
  type: "local";
  guest: number;
  jobnum: number;
  target: string;
  schedule?: string;
  rate?: number;
  comment?: string;
  disable?: number;
  remove_job?: "local" | "full";
  source?: string;
};

/** One entry of a node's pve-replication-state.json (pve-guest-common ReplicationState.pm). */
export type JobState = {
  last_sync: number;
  last_try: number;
  last_iteration: number;
  fail_count: number;
  error?: string;
  /** Seconds of the last run; absent until a run ended. */
  duration?: number;
  last_node?: string;
  storeid_list: string[];
  pid?: number;
  ptime?: number;
};

export type LogLine = { t: number; msg: string };

/**
 * A run the scheduler performed, as ground truth for tests and the control API (Proxmox itself
 * keeps no such list: its state file and log only hold the latest run).
 */
export type PerformedRun = {
  jobId: string;
  node: string;
  start: number;
  end: number;
  outcome: "ok" | "failed" | "aborted";
  kind: "full" | "incremental";
  error?: string;
  /** Bytes a `zfs recv -F` rolled back on the target (writes it had after the common snapshot). */
  discarded?: number;
};

export type HaResource = {
  sid: string;
  type: "vm" | "ct";
  state: "started" | "stopped" | "enabled" | "disabled" | "ignored";
  max_restart?: number;
  max_relocate?: number;
  failback?: number;
  comment?: string;
  /** PVE 8: the HA group it belongs to (groups.cfg). */
  group?: string;
};

/** /etc/pve/ha/groups.cfg (PVE 8; PVE 9 migrates groups to node-affinity rules). */
export type HaGroup = { group: string; nodes: { node: string; priority?: number }[]; restricted?: boolean; nofailback?: boolean; comment?: string };

/** /etc/pve/ha/rules.cfg (PVE 9). */
export type NodeAffinityRule = {
  rule: string; type: "node-affinity"; resources: string[]; nodes: { node: string; priority?: number }[];
  /** Unset means the default (non-strict), as rules.cfg stores it. */
  strict?: boolean;
  disable?: boolean; comment?: string;
};
export type ResourceAffinityRule = {
  rule: string; type: "resource-affinity"; resources: string[]; affinity: "positive" | "negative"; disable?: boolean; comment?: string;
};
export type HaRule = NodeAffinityRule | ResourceAffinityRule;

export type Task = {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  /** Planned end; the task shows as running until the clock passes it. */
  endtime: number;
  /** Final status: OK, WARNINGS: n, or an error text. */
  exitstatus: string;
  log: LogLine[];
};
