import type { ClusterModel } from "./cluster";
import type { EventQueue } from "./events";
import { haSid } from "./guest-power";
import type { Guest } from "./model-types";
import { startTask } from "./tasks";

/**
 * What a node's power cycle does to its guests: they stop with it (the cluster keeps showing
 * their last status for a while); when it boots again, `startall` starts the onboot guests that
 * are not HA-managed (the LRM starts those), and data the node still holds for guests that
 * stayed its own is its own again (not divergent).
 */
export function nodeLifecycle(model: ClusterModel, events: EventQueue): void {
  model.nodeListeners.push((name, online, at) => {
    if (!online) {
      // Workers die with the node: after its reboot the task list shows them as `unexpected status`.
      const t = at ?? 0;
      for (const task of model.tasksOn(name)) {
        if (task.endtime <= t) continue;
        task.log = task.log.filter((l) => l.t <= t && !l.msg.startsWith("TASK "));
        task.exitstatus = "unexpected status";
        task.endtime = t;
      }
      return;
    }
    const node = model.node(name);
    if (!node) return;
    const t = Math.floor(at ?? node.bootTime);
    node.bootTime = t;
    const onboot: Guest[] = [];
    for (const guest of model.guestsOn(name)) {
      guest.status = "stopped";
      for (const disk of guest.disks) {
        const vol = model.volume(name, disk.volid);
        if (vol) delete vol.divergent;
      }
      const ha = model.haResources.get(haSid(guest));
      if (guest.onboot && (!ha || ha.state === "ignored")) onboot.push(guest);
    }
    model.touch();
    const boot = t + 50;
    events.schedule(boot, `startall ${name}`, () => {
      if (!model.node(name)?.online) return;
      startTask(model, {
        node: name, type: "startall", id: "", user: "root@pam", start: boot, duration: 2 + onboot.length * 2,
        lines: onboot.map((g, i) => ({ dt: i * 2, msg: `Starting ${g.type === "qemu" ? "VM" : "CT"} ${g.vmid}` })),
      });
      onboot.forEach((guest, i) => {
        if (guest.node !== name) return;
        const start = boot + i * 2;
        startTask(model, { node: name, type: guest.type === "qemu" ? "qmstart" : "vzstart", id: String(guest.vmid), user: "root@pam", start, duration: 1.5, lines: [] });
        guest.status = "running";
        guest.startedAt = start;
      });
      model.touch();
    });
  });
}
