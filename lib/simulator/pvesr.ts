import { logger } from "@/lib/logger";
import { nextEvent } from "@/lib/schedule/calendar-event";

import type { ClusterModel } from "./cluster";
import { pveDie } from "./errors";
import type { JobConfig, JobState } from "./model-types";
import { keyedRandom } from "./prng";
import { planRun, runKind, type RunPlan } from "./replication-run";

/** A job as `ReplicationState::job_status` sees it on one node: config, guest type, state, next run. */
export type JobStatus = {
  job: JobConfig;
  vmtype: "qemu" | "lxc";
  state: JobState;
  nextSync: number;
};

type Worker = { iteration: number; job: JobConfig; state: JobState; plan: RunPlan; end: number };

const TICK = 60;
const ceilTick = (t: number) => Math.ceil(t / TICK) * TICK;

/**
 * The replication scheduler of every node (pve-manager PVE/Service/pvescheduler.pm +
 * PVE/API2/Replication.pm run_jobs). Each node ticks once a minute; a tick forks one worker
 * unless the previous one still runs, and the worker runs due jobs one after another
 * (`/var/lock/pvesr.lck`). Time only moves through `processUntil`, which visits every event
 * in order, so jumping a day ahead gives exactly what a day in real time would have given.
 */
export class Pvesr {
  private cursor: number;
  private readonly workers = new Map<string, Worker>();
  private readonly lastTick = new Map<string, number>();
  private readonly wakeCache = new Map<string, number>();
  private wakeRevision = -1;
  private indexRevision = -1;
  private jobsByNode = new Map<string, JobConfig[]>();
  private readonly nextCache = new Map<string, { schedule: string; lastTry: number; value: number }>();
  private readonly adopted = new Map<string, number>();
  private readonly purged = new Map<string, number>();
  /** Called after a run failed and its fail count was raised (notifications.ts gates and sends). */
  onJobFailed?: (info: { node: string; job: JobConfig; state: JobState; at: number }) => void;

  constructor(
    private readonly model: ClusterModel,
    start: number,
  ) {
    this.cursor = start;
    for (const node of model.nodes) this.lastTick.set(node.name, ceilTick(start) - TICK);
    model.nodeListeners.push((node, online) => {
      if (!online) this.nodeWentDown(node);
    });
  }

  /**
   * A node that dies loses its running worker: after the reboot the state file still has the
   * attempt's last_try, but the pid is gone and the log stops where it was. Jobs of other nodes
   * that were sending to it fail as their SSH pipe breaks.
   */
  private nodeWentDown(node: string): void {
    const at = this.cursor;
    const own = this.workers.get(node);
    if (own) {
      delete own.state.pid;
      delete own.state.ptime;
      this.model.setLog(node, own.job.id, own.plan.lines.filter((l) => l.t <= at));
      this.model.recordRun({ jobId: own.job.id, node, start: own.plan.start, end: at, outcome: "aborted", kind: runKind(own.plan) });
      this.workers.delete(node);
    }
    for (const [source, worker] of this.workers) {
      if (worker.job.target !== node || worker.end <= at || worker.plan.error !== undefined || worker.plan.removed) continue;
      const lines = worker.plan.lines.filter((l) => l.t <= at);
      const end = at + 0.5;
      lines.push({ t: end, msg: "client_loop: send disconnect: Broken pipe" });
      const command = worker.plan.transfers?.filter((tr) => tr.from <= at).at(-1)?.command ?? "pvesm import";
      const error = `command '${command}' failed: exit code 255`;
      lines.push({ t: end + 0.01, msg: `end replication job with error: ${error}` });
      worker.plan = { ...worker.plan, lines, error, duration: end + 0.01 - worker.plan.start, apply: () => {} };
      worker.end = end + 0.01;
      this.model.setLog(source, worker.job.id, lines);
    }
    this.wakeCache.clear();
  }

  get processedUntil(): number {
    return this.cursor;
  }

  /**
   * Runs every scheduler tick and job end up to `t` (unix seconds), in time order. A run only
   * changes its own node's state, so only that node's wake-up time is recomputed; config
   * changes (model.revision) recompute all of them.
   */
  processUntil(t: number): void {
    if (t < this.cursor) return;
    for (;;) {
      let bestNode: string | undefined;
      let bestTime = Infinity;
      for (const node of this.model.nodes) {
        const w = this.wake(node.name);
        if (w < bestTime) {
          bestTime = w;
          bestNode = node.name;
        }
      }
      if (bestNode === undefined || bestTime > t) break;
      this.cursor = Math.max(this.cursor, bestTime);
      this.step(bestNode, bestTime);
      this.wakeCache.delete(bestNode);
    }
    this.cursor = t;
  }

  /** `job_status(1)` of a node: its guests' jobs incl. disabled ones, never jobs targeting itself. */
  jobStatus(node: string): JobStatus[] {
    const result: JobStatus[] = [];
    this.forEachJob(node, (job, state, vmtype) => {
      const s = state ?? emptyState();
      result.push({ job, vmtype, state: s, nextSync: this.nextSync(job, s) });
    });
    return result;
  }

  private forEachJob(node: string, visit: (job: JobConfig, state: JobState | undefined, vmtype: "qemu" | "lxc") => void): void {
    if (this.adopted.get(node) !== this.model.revision) {
      this.adoptStolenGuests(node);
      this.adopted.set(node, this.model.revision);
    }
    for (const job of this.jobsOf(node)) {
      if (!job.remove_job && job.target === node) continue;
      const guest = this.model.guest(job.guest);
      if (guest) visit(job, this.model.jobState(node, job), guest.type);
    }
  }

  /**
   * `schedule_job_now`: last_try = 0 makes the job due at the next tick; without state nothing
   * changes. It first takes the guest's migration lock (10 s, pve-guest-common ReplicationState.pm),
   * which a running sync of any of the guest's jobs (Replication.pm run_replication) or a migration
   * holds for its whole length: then the call fails and nothing changes (Proxmox after 10 s).
   */
  scheduleNow(node: string, job: JobConfig): void {
    if (this.holdsMigrationLock(node, job.guest)) {
      pveDie(`can't lock file '/var/lock/pve-manager/pve-migrate-${job.guest}' - got timeout`);
    }
    const state = this.model.jobState(node, job);
    if (!state) return;
    state.last_try = 0;
    this.model.touch();
  }

  /** The node-local `/var/lock/pve-manager/pve-migrate-<vmid>` flock (GuestHelpers.pm guest_migration_lock). */
  private holdsMigrationLock(node: string, vmid: number): boolean {
    if (this.workers.get(node)?.job.guest === vmid) return true;
    const guest = this.model.guest(vmid);
    return guest?.lock === "migrate" && guest.node === node;
  }

  /** `ReplicationState::job_status` next_sync rules (pve-guest-common src/PVE/ReplicationState.pm). */
  nextSync(job: JobConfig, state: JobState): number {
    if (job.remove_job) return 1;
    if (state.fail_count > 0) {
      // While the target is not an online cluster member the job is parked (next_sync 0).
      if (!this.model.node(job.target)?.online) return 0;
      return state.last_try + 60 * (state.fail_count <= 3 ? 5 * state.fail_count : 30);
    }
    const schedule = job.schedule ?? "*/15";
    const cached = this.nextCache.get(job.id);
    if (cached && cached.schedule === schedule && cached.lastTry === state.last_try) return cached.value;
    let value = 0;
    try {
      value = nextEvent(schedule, state.last_try, { timeZone: this.model.timeZone }) ?? 0;
    } catch (err) {
      // pvesr cannot parse the schedule: the job is never due (Proxmox logs the same and skips it).
      logger.warn({ job: job.id, schedule, err: String(err) }, "simulator: replication schedule does not parse");
      value = 0;
    }
    this.nextCache.set(job.id, { schedule, lastTry: state.last_try, value });
    return value;
  }

  private wake(node: string): number {
    if (this.wakeRevision !== this.model.revision) {
      this.wakeCache.clear();
      this.wakeRevision = this.model.revision;
    }
    let w = this.wakeCache.get(node);
    if (w === undefined) {
      w = this.computeWake(node);
      this.wakeCache.set(node, w);
    }
    return w;
  }

  private computeWake(node: string): number {
    const worker = this.workers.get(node);
    if (worker) return worker.end;
    if (!this.model.node(node)?.online) return Infinity;
    let due = Infinity;
    this.forEachJob(node, (job, state) => {
      if (job.disable) return;
      const next = this.nextSync(job, state ?? EMPTY_STATE);
      if (next > 0 && next < due) due = next;
    });
    if (due === Infinity) return Infinity;
    const earliest = Math.max((this.lastTick.get(node) ?? 0) + TICK, ceilTick(this.cursor));
    return Math.max(ceilTick(due), earliest);
  }

  private step(node: string, time: number): void {
    const worker = this.workers.get(node);
    if (worker) {
      this.finish(node, worker);
      this.workers.delete(node);
      this.startNext(node, worker.iteration, Math.ceil(worker.end));
      return;
    }
    this.lastTick.set(node, time);
    // purge_old_states only finds something after the config or a guest's node changed.
    if (this.purged.get(node) !== this.model.revision) {
      this.model.purgeOldStates(node);
      this.purged.set(node, this.model.revision);
    }
    this.startNext(node, time, time);
  }

  /** `get_next_job`: due jobs not yet run in this iteration, by last_iteration, next_sync, guest, id. */
  private startNext(node: string, iteration: number, start: number): void {
    if (!this.model.node(node)?.online) return;
    let next: { job: JobConfig; lastIteration: number; nextSync: number } | undefined;
    // job_status(0) skips disabled jobs before it looks at remove_job, so a disabled job that is
    // marked for removal waits until it is enabled again (pve-guest-common ReplicationState.pm).
    this.forEachJob(node, (job, state) => {
      if (job.disable) return;
      // run_replication takes the guest's migration lock (2 s timeout): a migrating guest is skipped.
      if (this.model.guest(job.guest)?.lock === "migrate") return;
      const s = state ?? EMPTY_STATE;
      if (s.last_iteration >= iteration) return;
      const nextSync = this.nextSync(job, s);
      if (nextSync <= 0 || start < nextSync) return;
      if (
        !next ||
        (s.last_iteration - next.lastIteration ||
          nextSync - next.nextSync ||
          job.guest - next.job.guest ||
          (job.id < next.job.id ? -1 : 1)) < 0
      ) {
        next = { job, lastIteration: s.last_iteration, nextSync };
      }
    });
    if (!next) return;
    const state = this.model.ensureJobState(node, next.job);
    const plan = planRun(this.model, node, next.job, state, start);
    // record_job_start
    state.pid = 1000 + Math.floor(keyedRandom(this.model.seed, node, start, next.job.id) * 4_000_000);
    state.ptime = start;
    state.last_node = node;
    state.last_try = start;
    state.last_iteration = iteration;
    this.model.setLog(node, next.job.id, plan.lines);
    this.workers.set(node, { iteration, job: next.job, state, plan, end: start + plan.duration });
  }

  /** `record_job_end`. */
  private finish(node: string, worker: Worker): void {
    const { state, plan, job } = worker;
    state.duration = Math.round(plan.duration * 1e6) / 1e6;
    this.model.recordRun({
      jobId: job.id, node, start: plan.start, end: plan.start + state.duration, outcome: plan.error === undefined ? "ok" : "failed", kind: runKind(plan),
      ...(plan.error !== undefined ? { error: plan.error } : {}),
      ...(plan.error === undefined && plan.discarded ? { discarded: plan.discarded } : {}),
    });
    delete state.pid;
    delete state.ptime;
    if (plan.error !== undefined) {
      state.fail_count++;
      state.error = plan.error;
      this.onJobFailed?.({ node, job, state, at: plan.start + state.duration });
    } else {
      plan.apply();
      if (plan.removed) this.model.deleteJobState(node, job);
      else {
        state.last_sync = plan.start;
        state.fail_count = 0;
        delete state.error;
      }
    }
  }

  private jobsOf(node: string): JobConfig[] {
    if (this.indexRevision !== this.model.revision) {
      this.jobsByNode = new Map();
      for (const job of this.model.listJobs()) {
        const owner = this.model.guest(job.guest)?.node;
        if (owner === undefined) continue;
        const list = this.jobsByNode.get(owner) ?? [];
        list.push(job);
        this.jobsByNode.set(owner, list);
      }
      this.indexRevision = this.model.revision;
    }
    return this.jobsByNode.get(node) ?? [];
  }

  /**
   * A guest whose jobs name another `source` was moved here without migration (HA recovery or
   * a manual config move): `switch_replication_job_target_nolock` points the job that targeted
   * this node back at the old source, and every job of the guest gets this node as source.
   */
  private adoptStolenGuests(node: string): void {
    const all = this.indexRevision === this.model.revision ? this.jobsByNode.get(node) : undefined;
    const jobs = all ?? this.model.listJobs().filter((j) => this.model.guest(j.guest)?.node === node);
    let changed = false;
    for (const job of jobs) {
      if (job.source === undefined) {
        job.source = node;
        changed = true;
      } else if (job.source !== node) {
        const oldSource = job.source;
        for (const sibling of this.model.jobsOfGuest(job.guest)) {
          if (sibling.target === node) sibling.target = oldSource;
          sibling.source = node;
        }
        changed = true;
      }
    }
    if (changed) this.model.touch();
  }
}

const EMPTY_STATE: Readonly<JobState> = emptyState();

function emptyState(): JobState {
  return { last_sync: 0, last_try: 0, last_iteration: 0, fail_count: 0, storeid_list: [] };
}
