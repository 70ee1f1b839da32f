import { changedBytes, zfsSize } from "./change-rate";
import type { ClusterModel } from "./cluster";
import { paramError, pveDie } from "./errors";
import type { Guest, JobConfig, Task, Volume } from "./model-types";
import { recordMigrationSync, transferReplicationState } from "./migration-replication";
import { guestWord, opsRandom, requireCfsQuorum, type OpsContext } from "./guest-power";
import { planRun, type RunPlan } from "./replication-run";
import { startTask } from "./tasks";
import { formatLogTime } from "./time-format";

// Guest migration as a worker task: qemu-server src/PVE/API2/Qemu.pm (migrate_vm) +
// src/PVE/QemuMigrate.pm, pve-container src/PVE/LXC/Migrate.pm, pve-guest-common
// AbstractMigrate.pm. Power actions are in guest-power.ts.

const GIB = 1024 ** 3;

export type MigrateOptions = {
  target: string;
  online?: boolean;
  restart?: boolean;
  force?: boolean;
  withLocalDisks?: boolean;
  /** KiB/s */
  bwlimit?: number;
  user: string;
  at: number;
  /** Root may override the replication-target check with `force`. */
  isRoot?: boolean;
  onDone?: (ok: boolean, end: number) => void;
};

/** The jobs of a guest that replicate to `target` (find_local_replication_job). */
export function jobToTarget(model: ClusterModel, guest: Guest, target: string): JobConfig | undefined {
  return model.jobsOfGuest(guest.vmid).find((j) => j.target === target);
}

/** The API-side checks of migrate_vm (before the worker forks): they answer 400/500. */
export function checkMigrateRequest(model: ClusterModel, guest: Guest, opts: MigrateOptions): void {
  if (opts.target === guest.node) paramError({ target: "target is local node." });
  requireCfsQuorum(model);
  if (!model.node(opts.target)) pveDie(`no such cluster node '${opts.target}'`);
  if (opts.force && !opts.isRoot) paramError({ force: "Only root may use this option." });
  if (guest.type === "qemu" && guest.lock) pveDie(`VM ${guest.vmid} is locked (${guest.lock})`);
  if (guest.status !== "running") return;
  if (guest.type === "qemu") {
    if (!opts.online) pveDie(`can't migrate running VM without --online`);
    const replicated = model.jobsOfGuest(guest.vmid).length > 0;
    if (replicated && !jobToTarget(model, guest, opts.target) && !opts.force) {
      pveDie(`Cannot live-migrate replicated VM to node '${opts.target}' - not a replication target. Use 'force' to override.`);
    }
  } else if (!opts.online && !opts.restart) {
    pveDie("can't migrate running container without --online or --restart");
  }
}

type Line = { t: number; msg: string };

/**
 * One migration (qmigrate/vzmigrate) planned at its start: the log with timestamps, the end time
 * and the effects applied when the task ends. To a replication target it runs the job once more,
 * sends only the delta, transfers the job state and switches the job's direction; to another node
 * it copies whole disks and the jobs keep their targets.
 */
export function migrateGuest(ctx: OpsContext, guest: Guest, opts: MigrateOptions): Task {
  const { model } = ctx;
  const source = guest.node;
  const target = model.requireNode(opts.target);
  const start = Math.floor(opts.at);
  const tz = model.timeZone;
  const lines: Line[] = [];
  let t = start;
  const log = (msg: string, dt = 0) => {
    t += dt;
    lines.push({ t, msg: `${formatLogTime(t, tz)} ${msg}` });
  };
  const raw = (msg: string, dt = 0) => {
    t += dt;
    lines.push({ t, msg });
  };
  const word = guestWord(guest);
  const qemu = guest.type === "qemu";
  const running = guest.status === "running";
  const online = qemu && running;
  const restart = !qemu && running;
  const bandwidth = Math.min(model.linkBandwidth, opts.bwlimit ? opts.bwlimit * 1024 : Infinity) * (0.9 + opsRandom(model, guest.vmid, start, "bw") * 0.1);
  const fmtDuration = (s: number) => {
    const sec = Math.round(s);
    return [Math.floor(sec / 3600), Math.floor((sec % 3600) / 60), sec % 60].map((n) => String(n).padStart(2, "0")).join(":");
  };
  let error: string | undefined;
  const abort = (msg: string, exit = "migration aborted") => {
    log(`ERROR: migration aborted (duration ${fmtDuration(t + 0.5 - start)}): ${msg}`, 0.5);
    error = exit;
  };

  const job = jobToTarget(model, guest, target.name);
  let plan: RunPlan | undefined;
  const copied: { volid: string; withSnapshots: boolean }[] = [];

  if (restart && opts.online && !opts.restart) {
    error = "lxc live migration is currently not implemented";
  } else if (guest.lock) {
    error = `${word} ${guest.vmid} is locked (${guest.lock})`;
  } else if (job?.remove_job) {
    error = `refusing to migrate replicated ${word} whose replication job is marked for removal`;
  }

  if (!error) {
    if (restart) log(`shutdown CT ${guest.vmid}`, 0);
    if (restart) t += 3 + opsRandom(model, guest.vmid, start, "shutdown") * 4;
    log(`starting migration of ${word} ${guest.vmid} to node '${target.name}' (${target.ip})`);
    if (!target.online || model.isLinkCut(source, target.name) || model.networkFaults.has(`${source}->${target.name}`)) {
      t += 3;
      abort("Can't connect to destination address using public key");
    }
  }

  const replicated = new Set(job ? model.replicatableVolumes(guest) : []);
  if (!error) {
    for (const disk of guest.disks) {
      if (replicated.has(disk.volid)) log(qemu ? `found local, replicated disk '${disk.volid}' (attached)` : `found local volume '${disk.volid}' (in current VM config)`);
      else log(qemu ? `found local disk '${disk.volid}' (attached)` : `found local volume '${disk.volid}' (in current VM config)`);
    }
    if (online && !opts.withLocalDisks && guest.disks.some((d) => !replicated.has(d.volid))) {
      abort("can't live migrate attached local disks without with-local-disks option");
    }
  }
  if (!error && online && job) for (const disk of guest.disks) if (replicated.has(disk.volid)) log(`${disk.key}: start tracking writes using block-dirty-bitmap 'repl_${disk.key}'`);
  if (!error && online && job === undefined && model.jobsOfGuest(guest.vmid).length > 0) {
    log(`WARNING: Node '${target.name}' is not a replication target. Existing replication jobs will fail after migration!`);
  }

  // Replicate once more (run_replication with iteration = start time) and send only the delta.
  if (!error && job) {
    log("replicating disk images");
    const state = model.ensureJobState(source, job);
    plan = planRun(model, source, job, { ...state, storeid_list: [...state.storeid_list] }, Math.max(Math.ceil(t), state.last_sync + 1));
    for (const l of plan.lines) lines.push({ t: l.t, msg: `${formatLogTime(l.t, tz)} ${l.msg}` });
    t = plan.start + plan.duration;
    if (plan.error !== undefined) abort(`Failed to sync data - ${plan.error}`);
  }

  // Disks that are not replicated to the target: zfs send of the whole disk (offline), or
  // drive-mirror during a live migration.
  if (!error) {
    const toCopy = guest.disks.filter((d) => !replicated.has(d.volid));
    if (!online && toCopy.length) {
      log(qemu ? "copying local disk images" : "copy mountpoint(s)");
      for (const disk of toCopy) {
        const vol = model.volume(source, disk.volid);
        const bytes = vol?.used ?? disk.size;
        const avail = model.storageUsage(target.name, vol?.storage ?? "").avail;
        const dataset = `${model.storageConfig(vol?.storage ?? "")?.pool ?? "rpool/data"}/${disk.volid.split(":")[1]}`;
        raw(`full send of ${dataset}@__migration__ estimated size is ${zfsSize(bytes)}`, 0.3);
        raw(`total estimated size is ${zfsSize(bytes)}`);
        if (!model.storageOn(target.name, vol?.storage ?? "") || bytes > avail) {
          t += Math.max(0, avail) / bandwidth;
          raw("cannot receive new filesystem stream: out of space");
          abort(`storage migration for '${disk.volid}' to storage '${vol?.storage}' failed - command 'set -o pipefail && pvesm export ${disk.volid} zfs - -with-snapshots 1 -snapshot __migration__' failed: exit code 1`);
          break;
        }
        const seconds = bytes / bandwidth;
        const steps = Math.min(8, Math.floor(seconds));
        const from = t;
        for (let i = 1; i <= steps; i++) {
          t = from + (seconds * i) / steps;
          raw(`${formatLogTime(t, tz).slice(11)}   ${zfsSize((bytes * i) / steps)}   ${dataset}@__migration__`);
        }
        t = from + seconds;
        raw(`successfully imported '${disk.volid}'`, 0.2);
        copied.push({ volid: disk.volid, withSnapshots: true });
      }
    }
    if (!error) for (const disk of guest.disks) log(`volume '${disk.volid}' is '${disk.volid}' on the target`);
    if (!error && online) {
      log(`starting VM ${guest.vmid} on remote node '${target.name}'`, 1 + opsRandom(model, guest.vmid, start, "vmstart"));
      log("start remote tunnel", 0.3);
      log("ssh tunnel ver 1", 0.3);
      log("starting storage migration", 0.1);
      for (const disk of guest.disks) {
        const vol = model.volume(source, disk.volid);
        const isRepl = replicated.has(disk.volid);
        const bytes = isRepl
          ? Math.round(changedBytes(guest.changeRate * (disk.size / guestBytes(guest)), plan?.start ?? start, t)) + 65_536
          : (vol?.used ?? disk.size);
        log(`${disk.key}: start migration to nbd:unix:/run/qemu-server/${guest.vmid}_nbd.migrate:exportname=drive-${disk.key}`);
        raw(isRepl ? `drive mirror re-using dirty bitmap 'repl_${disk.key}'` : `drive mirror is starting for drive-${disk.key}`);
        const seconds = bytes / bandwidth;
        raw(`drive-${disk.key}: transferred 0.0 B of ${humanBytes(bytes)} (0.00%) in 0s`);
        t += seconds;
        raw(`drive-${disk.key}: transferred ${humanBytes(bytes)} of ${humanBytes(bytes)} (100.00%) in ${Math.max(1, Math.round(seconds))}s, ready`);
        if (!isRepl) copied.push({ volid: disk.volid, withSnapshots: false });
      }
      raw("all 'mirror' jobs are ready");
      log(`starting online/live migration on unix:/run/qemu-server/${guest.vmid}.migrate`);
      log("set migration capabilities");
      log("migration downtime limit: 100 ms");
      log(`migration cachesize: ${humanBytes(Math.min(guest.maxmem / 8, GIB))}`);
      log("set migration parameters");
      log(`start migrate command to unix:/run/qemu-server/${guest.vmid}.migrate`);
      const ram = Math.round(guest.maxmem * (0.35 + opsRandom(model, guest.vmid, start, "ram") * 0.3));
      const seconds = ram / bandwidth;
      const steps = Math.max(1, Math.min(10, Math.floor(seconds)));
      const from = t;
      for (let i = 1; i <= steps; i++) {
        t = from + (seconds * i) / steps;
        const sent = (ram * i) / steps;
        lines.push({ t, msg: `${formatLogTime(t, tz)} migration active, transferred ${humanBytes(sent)} of ${humanBytes(guest.maxmem)} VM-state, ${humanBytes(bandwidth)}/s` });
      }
      const downtime = 30 + Math.round(opsRandom(model, guest.vmid, start, "downtime") * 70);
      log(`average migration speed: ${humanBytes(ram / Math.max(seconds, 0.001))}/s - downtime ${downtime} ms`, 0.2);
      log("migration status: completed");
      raw("all 'mirror' jobs are ready");
      for (const disk of guest.disks) {
        raw(`drive-${disk.key}: Completing block job...`);
        raw(`drive-${disk.key}: Completed successfully.`);
        raw(`drive-${disk.key}: mirror-job finished`);
      }
      log("stopping NBD storage migration server on target.", 0.3);
    }
    if (!error && restart) {
      log("start final cleanup", 0.2);
      log("start container on target node", 0.1);
      t += 1 + opsRandom(model, guest.vmid, start, "ctstart");
    }
    if (!error) log(`migration finished successfully (duration ${fmtDuration(t + 1 - start)})`, 1);
  }

  guest.lock = error ? guest.lock : "migrate";
  const task = startTask(model, {
    node: source,
    type: qemu ? "qmigrate" : "vzmigrate",
    id: String(guest.vmid),
    user: opts.user,
    start,
    duration: Math.max(0.05, t - start + 0.01),
    lines: lines.map((l) => ({ dt: l.t - start, msg: l.msg })),
    exitstatus: error ?? "OK",
  });
  if (error) {
    if (opts.onDone) ctx.events.schedule(task.endtime, `migrate ${guest.vmid} failed`, (end) => opts.onDone?.(false, end));
    return task;
  }
  model.touch();
  const active = activeMigrations(model);
  const event = ctx.events.schedule(task.endtime, `migrate ${guest.vmid} to ${target.name}`, (end) => {
    active.delete(guest.vmid);
    finishMigration(model, guest, source, target.name, job, plan, copied, end, running);
    opts.onDone?.(true, end);
  });
  active.set(guest.vmid, {
    source, target: target.name, task,
    abort: (node, at) => {
      ctx.events.cancel(event);
      active.delete(guest.vmid);
      delete guest.lock;
      task.log = task.log.filter((l) => l.t <= at && !l.msg.startsWith("TASK "));
      if (node === source) {
        // The worker died with its node: no end line, the task list shows `unexpected status`.
        task.exitstatus = "unexpected status";
        task.endtime = at;
      } else {
        const end = at + 0.5;
        task.log.push({ t: end, msg: `${formatLogTime(end, tz)} ERROR: migration aborted (duration ${fmtDuration(end - start)}): ${node} went down (ssh connection lost)` });
        task.log.push({ t: end, msg: "TASK ERROR: migration aborted" });
        task.exitstatus = "migration aborted";
        task.endtime = end;
      }
      model.touch();
      ctx.events.schedule(task.endtime, `migrate ${guest.vmid} aborted`, (t2) => opts.onDone?.(false, t2));
    },
  });
  return task;
}

type ActiveMigration = { source: string; target: string; task: Task; abort: (node: string, at: number) => void };
const migrations = new WeakMap<ClusterModel, Map<number, ActiveMigration>>();

function activeMigrations(model: ClusterModel): Map<number, ActiveMigration> {
  let map = migrations.get(model);
  if (!map) {
    map = new Map();
    migrations.set(model, map);
    // A node that dies during a migration ends it: the guest stays where it was.
    model.nodeListeners.push((node, online, at) => {
      if (online) return;
      for (const m of [...(migrations.get(model)?.values() ?? [])]) if (m.source === node || m.target === node) m.abort(node, at ?? m.task.starttime);
    });
  }
  return map;
}

function finishMigration(
  model: ClusterModel, guest: Guest, source: string, target: string, job: JobConfig | undefined, plan: RunPlan | undefined,
  copied: { volid: string; withSnapshots: boolean }[], end: number, wasRunning: boolean,
): void {
  if (job && plan) recordMigrationSync(model, source, job, plan);
  for (const { volid, withSnapshots } of copied) {
    const vol = model.volume(source, volid);
    if (!vol) continue;
    const copy: Volume = { ...vol, snapshots: withSnapshots ? new Map(vol.snapshots) : new Map(), ctime: Math.floor(end) };
    delete copy.divergent;
    model.putVolume(target, copy);
    model.deleteVolume(source, volid);
  }
  guest.node = target;
  delete guest.lock;
  if (wasRunning) guest.startedAt = Math.floor(end);
  if (job) transferReplicationState(model, guest, job, source, target);
  model.touch();
}

function guestBytes(guest: Guest): number {
  return guest.disks.reduce((s, d) => s + d.size, 0) || 1;
}

/** QEMU/Proxmox `render_bytes`: 1.5 GiB, 120.0 MiB. */
export function humanBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

