import { compareJobIds, stateKey } from "./job-keys";
import { votequorumFor, type Votequorum } from "./votequorum";
import { createHash } from "node:crypto";

import { pveDie } from "./errors";
import type {
  Guest,
  HaResource,
  HaGroup,
  HaRule,
  JobConfig,
  JobState,
  LogLine,
  NodeStorage,
  SimNode,
  StorageConfig,
  Task,
  Volume,
  PerformedRun,
} from "./model-types";

export type ClusterOptions = {
  clusterName: string;
  seed: number;
  /** Time zone of every node (schedules, log lines); Proxmox evaluates calendar events in local time. */
  timeZone?: string;
  /** Replication link bandwidth in bytes/s (default 1 GbE ≈ 117 MB/s of payload). */
  linkBandwidth?: number;
};

/**
 * The in-memory cluster: what /etc/pve (pmxcfs, cluster-wide) and each node's local files
 * (replication state, logs, ZFS datasets) would hold. It knows nothing of HTTP or auth.
 * `revision` increases on every change that can move a replication schedule, so the
 * scheduler knows when to recompute its wake-up times.
 */
const MAX_PERFORMED_RUNS = 20_000;

export class ClusterModel {
  readonly clusterName: string;
  readonly seed: number;
  readonly timeZone: string;
  linkBandwidth: number;
  revision = 0;

  readonly nodes: SimNode[] = [];
  readonly storages: StorageConfig[] = [];
  readonly guests = new Map<number, Guest>();
  readonly jobs = new Map<string, JobConfig>();
  readonly haResources = new Map<string, HaResource>();
  /** HA rules (node and resource affinity), in rules.cfg order. */
  readonly haRules: HaRule[] = [];
  /** HA groups (PVE 8 only). */
  readonly haGroups: HaGroup[] = [];
  /** The Proxmox VE major version the API answers as (simulator option `pveVersion`). */
  pveVersion: 8 | 9 = 9;
  /** Per node: storage id → size and fill. */
  private readonly nodeStorage = new Map<string, Map<string, NodeStorage>>();
  /** Per node: volid → ZFS dataset/zvol with its snapshots. */
  private readonly volumes = new Map<string, Map<string, Volume>>();
  /** Per node: `<vmid>/local/<target>` → state (node-local, like pve-replication-state.json). */
  private readonly states = new Map<string, Map<string, JobState>>();
  /** Per node: job id → lines of the last run (/var/log/pve/replicate/<jobid>). */
  private readonly logs = new Map<string, Map<string, LogLine[]>>();
  private readonly tasks = new Map<string, Task[]>();
  private sortedJobs?: { revision: number; list: JobConfig[] };
  /** The most recent runs performed, oldest first (bounded: a demo may run for weeks). */
  readonly performedRuns: PerformedRun[] = [];
  /** Injected network failures between two nodes (source→target), for part 2's fault injection. */
  readonly networkFaults = new Map<string, string>();
  /** Cut links between two nodes (`a|b`, sorted): both stay up, but nothing passes between them. */
  readonly cutLinks = new Set<string>();

  setLinkCut(a: string, b: string, cut: boolean): void {
    const key = [a, b].sort().join("|");
    if (cut) this.cutLinks.add(key);
    else this.cutLinks.delete(key);
    this.touch();
  }

  isLinkCut(a: string, b: string): boolean {
    return this.cutLinks.size > 0 && this.cutLinks.has([a, b].sort().join("|"));
  }

  constructor(options: ClusterOptions) {
    this.clusterName = options.clusterName;
    this.seed = options.seed;
    this.timeZone = options.timeZone ?? "UTC";
    this.linkBandwidth = options.linkBandwidth ?? 117_000_000;
  }

  recordRun(run: PerformedRun): void {
    this.performedRuns.push(run);
    if (this.performedRuns.length > MAX_PERFORMED_RUNS) this.performedRuns.splice(0, this.performedRuns.length - MAX_PERFORMED_RUNS);
  }

  touch(): void {
    this.revision++;
  }

  addNode(node: SimNode): void {
    this.nodes.push(node);
    for (const map of [this.nodeStorage, this.volumes, this.states, this.logs] as Map<string, Map<string, unknown>>[]) {
      map.set(node.name, new Map());
    }
    this.tasks.set(node.name, []);
    this.touch();
  }

  node(name: string): SimNode | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  /** Dies like a handler that cannot find `/etc/pve/nodes/<node>`. */
  requireNode(name: string): SimNode {
    return this.node(name) ?? pveDie(`hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known`);
  }

  /** Called with (node, online) after a node goes down or comes back; the HTTPS server listens. */
  readonly nodeListeners: ((node: string, online: boolean, at?: number) => void)[] = [];
  /** Forced quorum (control API / scripts): undefined follows the votes of the online nodes. */
  quorumOverride?: boolean;
  /**
   * Expected votes lowered with `pvecm expected N` (corosync votequorum); undefined means one vote
   * per configured node. A node that joins brings corosync.conf's expected votes back, so it clears.
   */
  expectedVotesOverride?: number;
  /** Called after the quorum state may have changed. */
  readonly quorumListeners: ((at?: number) => void)[] = [];

  /** `at` is the simulator time of the change (for the 5-minute staleness of guest data). */
  setNodeOnline(name: string, online: boolean, at?: number): void {
    const node = this.requireNode(name);
    if (node.online === online) return;
    node.online = online;
    if (online) {
      delete node.offlineSince;
      this.expectedVotesOverride = undefined;
    }
    else node.offlineSince = at;
    this.touch();
    for (const listener of this.nodeListeners) listener(name, online, at);
    for (const listener of this.quorumListeners) listener(at);
  }

  setQuorumOverride(quorate: boolean | undefined, at?: number): void {
    this.quorumOverride = quorate;
    this.touch();
    for (const listener of this.quorumListeners) listener(at);
  }

  isQuorate(): boolean {
    if (this.quorumOverride !== undefined) return this.quorumOverride;
    const votes = this.votequorum();
    return votes.total >= votes.quorum;
  }

  /** votequorum's figures: one vote per node, quorum = expected / 2 + 1 (`pvecm status`). */
  votequorum(): Votequorum {
    return votequorumFor(this.nodes.filter((n) => n.online).length, this.expectedVotesOverride ?? this.nodes.length);
  }

  /** `pvecm expected N`: answers false (CS_ERR_INVALID_PARAM) when the partition would lose quorum by it. */
  setExpectedVotes(expected: number, at?: number): boolean {
    const next = votequorumFor(this.nodes.filter((n) => n.online).length, expected);
    if (next.total < next.quorum) return false;
    this.expectedVotesOverride = next.expected;
    this.touch();
    for (const listener of this.quorumListeners) listener(at);
    return true;
  }

  addStorage(config: StorageConfig, sizes: Record<string, number>): void {
    this.storages.push(config);
    for (const [node, total] of Object.entries(sizes)) {
      this.nodeStorage.get(node)?.set(config.storage, { total, extraUsed: 0 });
    }
  }

  storageConfig(storage: string): StorageConfig | undefined {
    return this.storages.find((s) => s.storage === storage);
  }

  storageOn(node: string, storage: string): NodeStorage | undefined {
    return this.nodeStorage.get(node)?.get(storage);
  }

  storagesOn(node: string): string[] {
    return [...(this.nodeStorage.get(node)?.keys() ?? [])];
  }

  storageUsage(node: string, storage: string): { total: number; used: number; avail: number } {
    const ns = this.storageOn(node, storage);
    if (!ns) return { total: 0, used: 0, avail: 0 };
    let used = ns.extraUsed;
    for (const vol of this.volumes.get(node)?.values() ?? []) if (vol.storage === storage) used += vol.used;
    used = Math.min(used, ns.total);
    return { total: ns.total, used, avail: ns.total - used };
  }

  volumesOn(node: string): Volume[] {
    return [...(this.volumes.get(node)?.values() ?? [])];
  }

  volume(node: string, volid: string): Volume | undefined {
    return this.volumes.get(node)?.get(volid);
  }

  putVolume(node: string, volume: Volume): void {
    this.volumes.get(node)?.set(volume.volid, volume);
  }

  deleteVolume(node: string, volid: string): void {
    this.volumes.get(node)?.delete(volid);
  }

  addGuest(guest: Guest, ctime: number): void {
    this.guests.set(guest.vmid, guest);
    for (const disk of guest.disks) {
      const storage = disk.volid.split(":")[0] as string;
      this.putVolume(guest.node, {
        volid: disk.volid,
        storage,
        vmid: guest.vmid,
        format: guest.type === "lxc" && disk.volid.includes("subvol-") ? "subvol" : "raw",
        size: disk.size,
        used: Math.round(disk.size * 0.55),
        ctime,
        snapshots: new Map(),
      });
    }
    this.touch();
  }

  guest(vmid: number): Guest | undefined {
    return this.guests.get(vmid);
  }

  guestsOn(node: string): Guest[] {
    return [...this.guests.values()].filter((g) => g.node === node).sort((a, b) => a.vmid - b.vmid);
  }

  /**
   * The volumes a job replicates (qemu-server QemuConfig.pm / pve-container LXC/Config.pm
   * get_replicatable_volumes): local disks with replicate=1 on zfspool storage. A disk with
   * replicate=1 on storage without the feature is an error; shared storage is skipped.
   */
  replicatableVolumes(guest: Guest): string[] {
    const volids: string[] = [];
    for (const disk of guest.disks) {
      if (!disk.replicate) continue;
      const storage = this.storageConfig(disk.volid.split(":")[0] as string);
      if (storage?.shared) continue;
      if (storage?.type !== "zfspool") pveDie(`missing replicate feature on volume '${disk.volid}'`);
      volids.push(disk.volid);
    }
    return volids.sort();
  }

  listJobs(): JobConfig[] {
    if (this.sortedJobs?.revision !== this.revision) {
      this.sortedJobs = { revision: this.revision, list: [...this.jobs.values()].sort((a, b) => compareJobIds(a.id, b.id)) };
    }
    return this.sortedJobs.list;
  }

  jobsOfGuest(vmid: number): JobConfig[] {
    return this.listJobs().filter((j) => j.guest === vmid);
  }

  putJob(job: JobConfig): void {
    this.jobs.set(job.id, job);
    this.touch();
  }

  deleteJob(id: string): void {
    this.jobs.delete(id);
    this.touch();
  }

  /** SHA-1 of replication.cfg as pmxcfs would hold it; the `digest` of GET/PUT /cluster/replication/{id}. */
  replicationDigest(): string {
    const text = this.listJobs()
      .map((job) => {
        const lines = [`local: ${job.id}`, `\ttarget ${job.target}`];
        for (const key of ["schedule", "rate", "comment", "disable", "remove_job", "source"] as const) {
          if (job[key] !== undefined) lines.push(`\t${key} ${job[key]}`);
        }
        return lines.join("\n");
      })
      .join("\n\n");
    return createHash("sha1").update(text).digest("hex");
  }

  jobState(node: string, job: JobConfig): JobState | undefined {
    return this.states.get(node)?.get(stateKey(job));
  }


  /** The state entry for a job on a node, created empty as ReplicationState::read_job_state does. */
  ensureJobState(node: string, job: JobConfig): JobState {
    const key = stateKey(job);
    const map = this.states.get(node) as Map<string, JobState>;
    let state = map.get(key);
    if (!state) {
      state = { last_sync: 0, last_try: 0, last_iteration: 0, fail_count: 0, storeid_list: [] };
      map.set(key, state);
    }
    return state;
  }

  deleteJobState(node: string, job: JobConfig): void {
    this.states.get(node)?.delete(stateKey(job));
    this.touch();
  }

  /** Drops state entries of jobs that no longer exist or whose guest left this node (purge_old_states). */
  purgeOldStates(node: string): void {
    const map = this.states.get(node);
    if (!map) return;
    const live = new Set(this.listJobs().filter((j) => this.guest(j.guest)?.node === node).map(stateKey));
    for (const key of map.keys()) if (!live.has(key)) map.delete(key);
  }

  setLog(node: string, jobId: string, lines: LogLine[]): void {
    this.logs.get(node)?.set(jobId, lines);
  }

  log(node: string, jobId: string): LogLine[] | undefined {
    return this.logs.get(node)?.get(jobId);
  }

  addTask(task: Task): void {
    this.tasks.get(task.node)?.push(task);
  }

  tasksOn(node: string): Task[] {
    return this.tasks.get(node) ?? [];
  }

  allTasks(): Task[] {
    return [...this.tasks.values()].flat();
  }
}
