import { changedBytes, zfsSize } from "./change-rate";
import type { ClusterModel } from "./cluster";
import type { Guest, JobConfig, JobState, LogLine, SimNode, Volume } from "./model-types";
import { keyedRandom } from "./prng";
import { formatLogTime } from "./time-format";
import { logger } from "@/lib/logger";
import { ZfsError, zfsNamespace } from "./zfs-datasets";
import { receive, replicationReceiveError, replicationStream, snapshotDeleteError } from "./zfs-receive";

/**
 * One pvesr run of one job, planned at its start (pve-guest-common src/PVE/Replication.pm:
 * run_replication → replicate). The plan holds the log lines with their timestamps, the
 * duration, and the effects applied when the run ends; the scheduler shows `pid` in between.
 */
export type RunPlan = {
  start: number;
  duration: number;
  lines: LogLine[];
  /** Undefined on success. Multi-line messages are kept as Proxmox keeps them (chomped). */
  error?: string;
  /** Mutations of volumes, snapshots and config at the end of the run. */
  apply: () => void;
  /** The job removed itself (remove_job done). */
  removed: boolean;
  /** Bytes of divergent writes on the target that this run's `zfs recv -F` rolls back. */
  discarded?: number;
  /** The command each step that talks to the target runs, from when; what fails if the target dies meanwhile. */
  transfers?: { from: number; command: string }[];
};

export function snapshotName(jobId: string, t: number): string {
  return `__replicate_${jobId}_${t}__`;
}

/** Formats stored lines as the log file has them: `YYYY-MM-DD HH:MM:SS <jobid>: <msg>`. */
export function formatRunLog(lines: LogLine[], jobId: string, timeZone: string): string[] {
  return lines.map((l) => `${formatLogTime(l.t, timeZone)} ${jobId}: ${l.msg}`);
}

export function planRun(model: ClusterModel, node: string, job: JobConfig, state: JobState, start: number): RunPlan {
  return new Run(model, node, job, state, start).plan();
}

/** The QEMU process id a running VM has; stable for one boot. */
export function guestPid(model: ClusterModel, guest: Guest): number {
  return 1000 + Math.floor(keyedRandom(model.seed, "pid", guest.vmid, guest.startedAt) * 4_000_000);
}

class Run {
  private readonly lines: LogLine[] = [];
  private t: number;
  private readonly guest: Guest;
  private readonly target: SimNode | undefined;
  private readonly sshPrefix: string;
  private readonly transfers: { from: number; command: string }[] = [];
  private volids: string[] = [];

  constructor(
    private readonly model: ClusterModel,
    private readonly node: string,
    private readonly job: JobConfig,
    private readonly state: JobState,
    private readonly start: number,
  ) {
    this.t = start;
    this.guest = model.guest(job.guest) as Guest;
    this.target = model.node(job.target);
    // PVE::SSHInfo::ssh_info_to_command, pinned to the target's known_hosts in /etc/pve.
    this.sshPrefix = `/usr/bin/ssh -e none -o 'BatchMode=yes' -o 'HostKeyAlias=${job.target}' -o 'UserKnownHostsFile=/etc/pve/nodes/${job.target}/ssh_known_hosts' -o 'GlobalKnownHostsFile=none' root@${this.target?.ip ?? job.target}`;
  }

  plan(): RunPlan {
    const { guest, state, start, job } = this;
    this.log("start replication job");
    if (start <= state.last_sync) return this.fail(`start time before last sync (${start} <= ${state.last_sync}) - abort sync`);
    try {
      this.volids = this.model.replicatableVolumes(guest);
    } catch (err) {
      return this.fail((err as Error).message);
    }
    const running = guest.status === "running" ? (guest.type === "qemu" ? guestPid(this.model, guest) : 1) : 0;
    this.log(`guest => ${guest.type === "qemu" ? "VM" : "CT"} ${guest.vmid}, running => ${running}`, 0.05);
    this.log(`volumes => ${this.volids.join(",")}`);
    return job.remove_job ? this.planRemoval() : this.planSync();
  }

  /** remove_job: `full` also deletes the replicated volumes on the target (prepare-local-job --force). */
  private planRemoval(): RunPlan {
    const { model, job, node, volids, start } = this;
    this.log(`start job removal - mode '${job.remove_job}'`);
    const full = job.remove_job === "full" && job.target !== node;
    if (full) {
      const scan = [...new Set([...this.storeIds(), ...this.state.storeid_list])].join(",");
      if (!this.target?.online) return this.sshDown(`pvesr prepare-local-job ${job.id} --scan ${scan} --last_sync 1 --force`);
      if (model.isLinkCut(node, job.target)) return this.sshDown(`pvesr prepare-local-job ${job.id} --scan ${scan} --last_sync 1 --force`, "Connection timed out", 127.3);
      for (const volid of volids) {
        const remote = model.volume(job.target, volid);
        for (const snap of jobSnapshots(remote, job.id)) this.log(`(remote_prepare_local_job) delete stale replication snapshot '${snap}' on ${volid}`, 0.2);
        if (remote) this.log(`(remote_prepare_local_job) delete stale volume '${volid}'`, 0.3);
      }
    }
    for (const volid of volids) {
      for (const snap of jobSnapshots(model.volume(node, volid), job.id)) this.log(`delete stale replication snapshot '${snap}' on ${volid}`, 0.1);
    }
    this.log("job removed", 0.05);
    this.log("end replication job", 0.01);
    return {
      start,
      duration: this.t - start,
      lines: this.lines,
      removed: true,
      apply: () => {
        for (const volid of volids) {
          dropJobSnapshots(model.volume(node, volid), job.id);
          if (full) model.deleteVolume(job.target, volid);
        }
        model.deleteJob(job.id);
      },
    };
  }

  private planSync(): RunPlan {
    const { model, job, node, state, start, volids } = this;
    // A guest that came here without its disks (HA recovery to a node without a replica).
    const missing = volids.find((v) => !model.volume(node, v));
    if (missing) return this.fail(`zfs error: cannot open '${model.storageConfig(missing.split(":")[0] as string)?.pool ?? "rpool/data"}/${missing.split(":")[1]}': dataset does not exist`);
    const scan = state.storeid_list.length ? ` --scan ${state.storeid_list.join(",")}` : "";
    const prepareCmd = `pvesr prepare-local-job ${job.id}${scan} ${volids.join(" ")} --last_sync ${state.last_sync}`;
    if (!this.target?.online) return this.sshDown(prepareCmd);
    // A cut link: both nodes are up, but SYNs go unanswered until the kernel gives up (~127 s).
    if (model.isLinkCut(node, job.target)) return this.sshDown(prepareCmd, "Connection timed out", 127.3);
    this.transfers.push({ from: this.t, command: `${this.sshPrefix} -- ${prepareCmd}` });
    this.t += 0.4 + this.rnd("prep") * 0.4;

    const bases = this.findBases();
    if (typeof bases === "string") return this.fail(bases);

    const freeze = this.guest.type === "qemu" && this.guest.status === "running";
    if (freeze) this.log("freeze guest filesystem", 0.1);
    const snap = snapshotName(job.id, start);
    for (const volid of volids) this.log(`create snapshot '${snap}' on ${volid}`, 0.05 + this.rnd(`snap${volid}`) * 0.2);
    if (freeze) this.log("thaw guest filesystem", 0.05);
    this.log(`using secure transmission, rate limit: ${job.rate ? `${job.rate} MByte/s` : "none"}`, 0.01);

    const targetFree = new Map<string, number>();
    for (const volid of volids) {
      const failed = this.sendVolume(volid, bases.get(volid), snap, targetFree);
      if (failed) return failed;
    }
    for (const [volid, base] of bases) this.log(`delete previous replication snapshot '${base}' on ${volid}`, 0.05);
    for (const [volid, base] of bases) {
      this.log(`(remote_finalize_local_job) delete stale replication snapshot '${base}' on ${volid}`, 0.2);
      const refused = snapshotDeleteError(model, job.target, this.dataset(volid), base);
      if (refused) this.log(`(remote_finalize_local_job) delete stale replication snapshot error: ${refused.replace(/\n/g, " ")}`, 0.05);
    }
    this.log("end replication job", 0.01);

    const storeIds = this.storeIds();
    // zfs recv -F rolls the target back to the base first: writes it made after that are gone.
    const discarded = volids.reduce((sum, v) => sum + (bases.has(v) ? (model.volume(job.target, v)?.divergent?.bytes ?? 0) : 0), 0);
    return {
      start,
      duration: this.t - start,
      lines: this.lines,
      removed: false,
      transfers: this.transfers,
      discarded: Math.round(discarded),
      apply: () => {
        for (const volid of volids) {
          const local = model.volume(node, volid);
          if (!local) continue;
          const base = bases.get(volid);
          const stream = base ? replicationStream(model, node, volid, base, snap, start) : undefined;
          local.snapshots.set(snap, start);
          dropJobSnapshots(local, job.id, snap);
          const existing = model.volume(job.target, volid);
          if (existing && stream) {
            // zfs recv -F of the -R -I stream: stale snapshots go, the copy rolls back to the base.
            try {
              receive(zfsNamespace(model, job.target), this.dataset(volid), stream, true, start);
            } catch (err) {
              if (!(err instanceof ZfsError)) throw err;
              logger.warn({ job: job.id, volid, err: err.message }, "simulator: the target changed during the run; its receive is skipped");
            }
          }
          // A full `zfs send -R ds@snap` carries every snapshot up to snap: other jobs' too.
          const remote = existing ?? { ...local, snapshots: new Map([...local.snapshots].filter(([, t]) => t <= start)), ctime: start };
          if (!existing) delete remote.divergent;
          // finalize-local-job: a cloned old snapshot cannot be destroyed and stays.
          dropJobSnapshots(remote, job.id, snap, (name) => snapshotDeleteError(model, job.target, this.dataset(volid), name) === undefined);
          remote.snapshots.set(snap, start);
          remote.size = local.size;
          remote.used = local.used;
          model.putVolume(job.target, remote);
        }
        state.storeid_list = storeIds;
      },
    };
  }

  /**
   * find_common_replication_snapshot: the last_sync snapshot if both sides have it, else the
   * newest replication snapshot of any job both share (a stolen guest starts with last_sync 0
   * but usually finds one); volumes that exist on the target without any common base are fatal,
   * all of them named in one error (pve-guest-common f657b6a, PVE 8.1).
   */
  private findBases(): Map<string, string> | string {
    const { model, job, node, state } = this;
    const lastSnap = snapshotName(job.id, state.last_sync);
    const bases = new Map<string, string>();
    const missing: string[] = [];
    for (const volid of this.volids) {
      const local = model.volume(node, volid);
      const remote = model.volume(job.target, volid);
      if (!local || !remote) continue;
      if (state.last_sync > 0 && local.snapshots.has(lastSnap) && remote.snapshots.get(lastSnap) === local.snapshots.get(lastSnap)) {
        bases.set(volid, lastSnap);
        continue;
      }
      const common = [...local.snapshots.entries()]
        .filter(([name, t]) => name.startsWith("__replicate_") && remote.snapshots.get(name) === t)
        .sort((a, b) => b[1] - a[1])[0];
      if (common) bases.set(volid, common[0]);
      else missing.push(volid);
    }
    if (missing.length) {
      return `No common base snapshot on volume(s) ${missing.join(",")}\nPlease remove the problematic volume(s) from the replication target or delete and re-create the whole job ${job.id}`;
    }
    return bases;
  }

  /**
   * storage_migrate: `pvesm export | ssh pvesm import` (zfs send -Rpv [-I base] | zfs recv -F).
   * Time = bytes / min(link bandwidth, job rate). Returns a failed plan, or undefined when sent.
   */
  private sendVolume(volid: string, base: string | undefined, snap: string, targetFree: Map<string, number>): RunPlan | undefined {
    const { model, job, node, state, guest, start } = this;
    const local = model.volume(node, volid) as Volume;
    const storage = local.storage;
    const dataset = `${model.storageConfig(storage)?.pool ?? "rpool/data"}/${volid.split(":")[1]}`;
    let bytes: number;
    if (base) {
      this.log(`incremental sync '${volid}' (${base} => ${snap})`, 0.01);
      const since = local.snapshots.get(base) ?? state.last_sync;
      const guestBytes = this.volids.reduce((sum, v) => sum + (model.volume(node, v)?.size ?? 0), 0) || 1;
      const written = guest.status === "running" ? changedBytes((guest.changeRate * local.size) / guestBytes, since, start) : 0;
      // 64 KiB is the stream's own overhead: even an idle guest sends something.
      bytes = Math.min(local.used, Math.round(written * (0.85 + this.rnd(`noise${volid}`) * 0.3))) + 65_536;
      this.log(`send from @${base} to ${dataset}@${snap} estimated size is ${zfsSize(bytes)}`, 0.3);
    } else {
      this.log(`full sync '${volid}' (${snap})`, 0.01);
      bytes = local.used;
      this.log(`full send of ${dataset}@${snap} estimated size is ${zfsSize(bytes)}`, 0.3);
    }
    this.log(`total estimated size is ${zfsSize(bytes)}`);

    const baseArg = base ? ` -base ${base}` : "";
    const command = `set -o pipefail && pvesm export ${volid} zfs - -with-snapshots 1 -snapshot ${snap}${baseArg} | ${this.sshPrefix} -- pvesm import ${volid} zfs - -with-snapshots 1 -snapshot ${snap} -allow-rename 0${baseArg}`;
    this.transfers.push({ from: this.t, command });
    const rate = job.rate ? Math.floor(job.rate * 1_000_000) : Infinity;
    const bandwidth = Math.min(model.linkBandwidth, rate) * (0.9 + this.rnd("bw") * 0.1);
    const failSend = (reason: string[]): RunPlan => {
      for (const line of reason) this.log(line);
      this.log(`delete previous replication snapshot '${snap}' on ${volid}`, 0.1);
      return this.fail(`command '${command}' failed: exit code 255`);
    };

    if (!model.storageOn(job.target, storage)) return failSend([`storage '${storage}' does not exist`]);
    const fault = model.networkFaults.get(`${node}->${job.target}`);
    if (fault) {
      this.progress(bytes / 2, bandwidth, `${dataset}@${snap}`);
      return failSend([fault, "client_loop: send disconnect: Broken pipe"]);
    }
    const free = targetFree.get(storage) ?? model.storageUsage(job.target, storage).avail;
    if (bytes > free) {
      this.progress(Math.max(0, free), bandwidth, `${dataset}@${snap}`);
      const kind = base ? "incremental stream" : "new filesystem stream";
      return failSend([`cannot receive ${kind}: out of space`, `command 'zfs recv -F -- ${dataset}' failed: exit code 1`]);
    }
    const stream = base ? replicationStream(model, node, volid, base, snap, start) : undefined;
    const refused = stream && replicationReceiveError(model, job.target, dataset, stream);
    if (refused) {
      // The kernel refuses at the end of the stream (dmu_recv_end_check): everything was sent.
      this.progress(bytes, bandwidth, `${dataset}@${snap}`);
      return failSend([...refused.split("\n"), `command 'zfs recv -F -x encryption -- ${dataset}' failed: exit code 1`]);
    }
    this.progress(bytes, bandwidth, `${dataset}@${snap}`);
    targetFree.set(storage, free - bytes);
    this.log(`[${job.target}] successfully imported '${volid}'`, 0.2);
    return undefined;
  }

  /** `zfs send -v` progress lines (at most eight), and the time the transfer takes. */
  private progress(bytes: number, bandwidth: number, what: string): void {
    const from = this.t;
    const seconds = bytes / bandwidth;
    const steps = Math.min(8, Math.floor(seconds));
    for (let i = 1; i <= steps; i++) {
      this.t = from + (seconds * i) / steps;
      this.log(`${formatLogTime(this.t, this.model.timeZone).slice(11)}   ${zfsSize((bytes * i) / steps)}   ${what}`);
    }
    this.t = from + seconds;
  }

  private sshDown(cmd: string, reason = "No route to host", after = 3.05): RunPlan {
    this.log(`(remote_prepare_local_job) ssh: connect to host ${this.target?.ip ?? this.job.target} port 22: ${reason}`, after);
    return this.fail(`command '${this.sshPrefix} -- ${cmd}' failed: exit code 255`);
  }

  private fail(error: string): RunPlan {
    this.log(`end replication job with error: ${error}`, 0.01);
    return { start: this.start, duration: this.t - this.start, lines: this.lines, error, removed: false, transfers: this.transfers, apply: () => {} };
  }

  private log(msg: string, dt = 0): void {
    this.t += dt;
    this.lines.push({ t: this.t, msg });
  }

  private rnd(label: string): number {
    return keyedRandom(this.model.seed, this.job.id, this.start, label);
  }

  /** `<pool>/<volname>` of a volume of this run. */
  private dataset(volid: string): string {
    return `${this.model.storageConfig(volid.split(":")[0] as string)?.pool ?? "rpool/data"}/${volid.split(":")[1]}`;
  }

  private storeIds(): string[] {
    return [...new Set(this.volids.map((v) => v.split(":")[0] as string))].sort();
  }
}

function jobSnapshots(volume: Volume | undefined, jobId: string): string[] {
  return [...(volume?.snapshots.keys() ?? [])].filter((name) => name.startsWith(`__replicate_${jobId}_`));
}

function dropJobSnapshots(volume: Volume | undefined, jobId: string, keep?: string, deletable: (name: string) => boolean = () => true): void {
  for (const name of jobSnapshots(volume, jobId)) if (name !== keep && deletable(name)) volume?.snapshots.delete(name);
}

/** What the run's log says it sent (Replication.pm logs "full sync" or "incremental sync" per volume). */
export function runKind(plan: RunPlan): "full" | "incremental" {
  return plan.lines.some((l) => /\bfull sync\b/.test(l.msg)) ? "full" : "incremental";
}
