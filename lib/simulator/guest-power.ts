import type { ClusterModel } from "./cluster";
import { pveDie } from "./errors";
import type { EventQueue } from "./events";
import type { Guest, Task } from "./model-types";
import { keyedRandom } from "./prng";
import { startTask } from "./tasks";

// Guest power actions as worker tasks: qemu-server src/PVE/API2/Qemu.pm (vm_start, vm_stop,
// vm_shutdown) and pve-container src/PVE/API2/LXC.pm. Migration is in guest-migration.ts.

export type OpsContext = { model: ClusterModel; events: EventQueue };
export type PowerAction = "start" | "stop" | "shutdown";

export const guestWord = (g: Guest) => (g.type === "qemu" ? "VM" : "CT");
export const haSid = (g: Guest) => `${g.type === "lxc" ? "ct" : "vm"}:${g.vmid}`;

/** `PVE::Cluster::check_cfs_quorum`. */
export function requireCfsQuorum(model: ClusterModel): void {
  if (!model.isQuorate()) pveDie("cluster not ready - no quorum?");
}

/** Deterministic per-seed randomness for guest operations (durations, sizes). */
export const opsRandom = (model: ClusterModel, ...keys: (string | number)[]) => keyedRandom(model.seed, "ops", ...keys);

/**
 * qmstart/qmstop/qmshutdown, vzstart/vzstop/vzshutdown. Checks that Proxmox makes before it forks
 * throw (HTTP 500); checks inside the worker end the task with `TASK ERROR: ...`.
 * `onDone` runs when the task ends successfully (the HA LRM uses it).
 */
export function powerAction(
  ctx: OpsContext, guest: Guest, action: PowerAction, user: string, at: number, onDone?: (end: number) => void, onFail?: (error: string) => void,
): Task {
  const { model } = ctx;
  const word = guestWord(guest);
  const running = guest.status === "running";
  checkPowerRequest(model, guest, action);
  const prefix = guest.type === "qemu" ? "qm" : "vz";
  const start = Math.floor(at);
  let error: string | undefined;
  if (guest.lock) error = `${word} ${guest.vmid} is locked (${guest.lock})`;
  else if (action === "start" && running) error = `VM ${guest.vmid} already running`;
  else if (action === "start") {
    // Disks that are not on this node (no replica, not shared): activating the zvol fails.
    const missing = guest.disks.find((d) => !model.storageConfig(d.volid.split(":")[0] as string)?.shared && !model.volume(guest.node, d.volid));
    if (missing) error = `zfs error: cannot open '${model.storageConfig(missing.volid.split(":")[0] as string)?.pool ?? "rpool/data"}/${missing.volid.split(":")[1]}': dataset does not exist`;
  }
  const r = opsRandom(model, guest.vmid, action, start);
  const duration = error ? 0.05 : action === "start" ? 0.8 + r * 1.2 : action === "stop" ? 0.4 + r * 0.8 : running ? 4 + r * 8 : 0.2;
  const task = startTask(model, { node: guest.node, type: `${prefix}${action}`, id: String(guest.vmid), user, start, duration, lines: [], exitstatus: error ?? "OK" });
  if (error && onFail) ctx.events.schedule(task.endtime, `${task.type} ${guest.vmid} failed`, () => onFail(error as string));
  if (!error) {
    ctx.events.schedule(task.endtime, `${task.type} ${guest.vmid}`, (end) => {
      // The node died meanwhile: the worker died with it.
      if (task.exitstatus !== "OK" || !model.node(guest.node)?.online) return;
      if (action === "start") {
        if (guest.status !== "running") {
          guest.status = "running";
          guest.startedAt = Math.floor(end);
        }
      } else guest.status = "stopped";
      model.touch();
      onDone?.(end);
    });
  }
  return task;
}

/** The checks the API makes before it forks (also before the HA branch): LXC state, then quorum for start. */
export function checkPowerRequest(model: ClusterModel, guest: Guest, action: PowerAction): void {
  const running = guest.status === "running";
  if (guest.type === "lxc") {
    if (action === "start" && running) pveDie(`CT ${guest.vmid} already running`);
    if (action !== "start" && !running) pveDie(`CT ${guest.vmid} not running`);
  }
  if (action === "start") requireCfsQuorum(model);
}
