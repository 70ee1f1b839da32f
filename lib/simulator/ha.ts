import { changedBytes } from "./change-rate";
import type { ClusterModel } from "./cluster";
import type { EventQueue, SimEvent } from "./events";
import { migrateGuest } from "./guest-migration";
import { haSid, powerAction } from "./guest-power";
import type { Guest } from "./model-types";
import { startTask } from "./tasks";

/**
 * The HA stack (pve-ha-manager: CRM Manager.pm + NodeStatus.pm, LRM.pm), on the simulator clock
 * with the delays of its regression tests (test-basic1): a dead node is `unknown` at once, its
 * services and the node go `fence` ~40 s later, the master gets the node's agent lock 120 s after
 * the failure (fencing done), recovers each service to the node its rules prefer (fewest HA
 * services, then name) and that node's LRM starts it. A node that loses quorum while its LRM is
 * active is reset by its watchdog 60 s later.
 */
export type ServiceState = "started" | "starting" | "stopped" | "stopping" | "fence" | "recovery" | "migrate" | "error";
export type HaNodeState = "online" | "unknown" | "fence";

export const HA = { CRM_ROUND: 10, FENCE_AFTER: 40, LOCK_EXPIRY: 120, WATCHDOG: 60, REBOOT: 90, LRM_START: 3 } as const;

export type NodeAffinityRule = { rule: string; resources: string[]; nodes: { node: string; priority: number }[]; strict: boolean };

export class HaManager {
  /** Called when the CRM starts fencing a node (notifications.ts sends Proxmox's fence notification). */
  onFence?: (node: string, at: number) => void;
  readonly services = new Map<string, { state: ServiceState; node: string }>();
  readonly nodeStates = new Map<string, HaNodeState>();
  readonly rules: NodeAffinityRule[] = [];
  private readonly pending = new Map<string, SimEvent[]>();
  /** Nodes whose LRM got its lock since the last boot (it needs quorum for that): only they arm the watchdog. */
  private readonly armed = new Set<string>();
  private readonly startRequested = new Map<string, number>();

  constructor(
    private readonly model: ClusterModel,
    private readonly events: EventQueue,
  ) {
    for (const n of model.nodes) this.nodeStates.set(n.name, n.online ? "online" : "unknown");
    if (model.isQuorate()) for (const n of model.nodes) if (n.online) this.armed.add(n.name);
    model.nodeListeners.push((node, online, at) => (online ? this.nodeUp(node, at ?? 0) : this.nodeDown(node, at ?? 0)));
    model.quorumListeners.push((at) => this.quorumChanged(at ?? 0));
  }

  private guestOf(sid: string): Guest | undefined {
    return this.model.guest(Number(sid.split(":")[1]));
  }

  /** The CRM's view of a service; created from the resource config and the guest on first use. */
  service(sid: string): { state: ServiceState; node: string } | undefined {
    const res = this.model.haResources.get(sid);
    const guest = this.guestOf(sid);
    if (!res || !guest) return undefined;
    let s = this.services.get(sid);
    if (!s) {
      const wanted = res.state === "started" || res.state === "enabled";
      s = { state: wanted ? (guest.status === "running" ? "started" : "starting") : "stopped", node: guest.node };
      this.services.set(sid, s);
    }
    return s;
  }

  isManaged(guest: Guest): boolean {
    const res = this.model.haResources.get(haSid(guest));
    return res !== undefined && res.state !== "ignored";
  }

  nodeState(node: string): HaNodeState {
    return this.nodeStates.get(node) ?? "online";
  }

  /** LRM mode per node, as /cluster/ha/status/current shows it. */
  lrmActive(node: string): boolean {
    return [...this.model.haResources.keys()].some((sid) => {
      const s = this.service(sid);
      return s !== undefined && s.node === node && s.state !== "stopped";
    });
  }

  private later(key: string, at: number, label: string, run: (t: number) => void): void {
    const ev = this.events.schedule(at, label, (t) => {
      const list = this.pending.get(key) ?? [];
      this.pending.set(key, list.filter((e) => e !== ev));
      run(t);
    });
    const list = this.pending.get(key) ?? [];
    list.push(ev);
    this.pending.set(key, list);
  }

  private cancel(key: string): void {
    for (const ev of this.pending.get(key) ?? []) this.events.cancel(ev);
    this.pending.delete(key);
  }

  private round(t: number): number {
    return Math.ceil(t / HA.CRM_ROUND) * HA.CRM_ROUND;
  }

  /** `ha-manager set <sid> --state started|stopped` (hastart/hastop), executed at the next CRM round. */
  request(guest: Guest, want: "started" | "stopped", at: number): void {
    const sid = haSid(guest);
    const res = this.model.haResources.get(sid);
    if (res) res.state = want;
    this.later(`svc:${sid}`, this.round(at + 1), `ha ${want} ${sid}`, (t) => this.apply(sid, t));
  }

  /** A new or changed resource: the CRM brings it to its configured state at the next round. */
  reconcile(guest: Guest, at: number): void {
    const sid = haSid(guest);
    this.later(`svc:${sid}`, this.round(at + 1), `ha apply ${sid}`, (t) => this.apply(sid, t));
  }

  /** `ha-manager migrate <sid> <node>` (hamigrate): the source LRM runs an online migration. */
  requestMigrate(guest: Guest, target: string, at: number): void {
    const sid = haSid(guest);
    this.later(`svc:${sid}`, this.round(at + 1), `ha migrate ${sid}`, (t) => {
      const s = this.service(sid);
      if (!s || guest.node === target || !this.model.node(target)?.online) return;
      s.state = "migrate";
      migrateGuest({ model: this.model, events: this.events }, guest, {
        target, online: true, restart: true, force: true, withLocalDisks: true, user: "root@pam", at: t + 1,
        onDone: (ok) => {
          s.state = guest.status === "running" ? "started" : "stopped";
          if (!ok) s.state = "error";
          s.node = guest.node;
        },
      });
    });
  }

  /** The LRM brings the guest to the requested state. */
  private apply(sid: string, t: number): void {
    const s = this.service(sid);
    const guest = this.guestOf(sid);
    const res = this.model.haResources.get(sid);
    if (!s || !guest || !res || !this.model.node(guest.node)?.online || !this.model.isQuorate()) return;
    const want = res.state === "started" || res.state === "enabled";
    const ctx = { model: this.model, events: this.events };
    if (want && guest.status !== "running") {
      if ((this.startRequested.get(sid) ?? -Infinity) > t - 30) return; // a start is under way
      this.startRequested.set(sid, t);
      s.state = "starting";
      try {
        powerAction(ctx, guest, "start", "root@pam", t + HA.LRM_START, () => (s.state = "started"), () => (s.state = "error"));
      } catch {
        s.state = "error";
      }
    } else if (want) s.state = "started";
    else if (guest.status === "running") {
      s.state = "stopping";
      powerAction(ctx, guest, "shutdown", "root@pam", t + HA.LRM_START, () => (s.state = "stopped"));
    } else s.state = "stopped";
  }

  private nodeDown(node: string, at: number): void {
    this.nodeStates.set(node, "unknown");
    this.armed.delete(node);
    this.cancel(`wd:${node}`);
    this.markDivergent(node, at);
    if (!this.model.isQuorate()) return;
    const victims = [...this.model.haResources.keys()].filter((sid) => {
      const s = this.service(sid);
      return s && s.node === node && s.state !== "stopped";
    });
    if (victims.length === 0) return;
    this.later(`node:${node}`, this.round(at + HA.FENCE_AFTER), `ha fence ${node}`, (t) => {
      this.nodeStates.set(node, "fence");
      this.onFence?.(node, t);
      for (const sid of victims) {
        const s = this.service(sid);
        if (s && s.node === node) s.state = "fence";
      }
    });
    this.later(`node:${node}`, this.round(at + HA.LOCK_EXPIRY), `ha recover ${node}`, (t) => this.recover(node, t));
  }

  /** Fencing succeeded (agent lock acquired): move every fenced service to the best online node. */
  private recover(node: string, t: number): void {
    if (!this.model.isQuorate()) return;
    this.nodeStates.set(node, this.model.node(node)?.online ? "online" : "unknown");
    for (const sid of [...this.model.haResources.keys()].sort()) {
      const s = this.service(sid);
      const guest = this.guestOf(sid);
      if (!s || !guest || s.state !== "fence" || guest.node !== node) continue;
      s.state = "recovery";
      const target = this.selectNode(sid, node);
      if (!target) continue; // stays in recovery until a node is available
      // steal_service: the config moves to the new node; pvesr there re-targets the jobs.
      guest.node = target;
      guest.status = "stopped";
      s.node = target;
      this.model.touch();
      startTask(this.model, {
        node: target, type: "hastart", id: String(guest.vmid), user: "root@pam", start: Math.floor(t), duration: 0.5,
        lines: [{ dt: 0, msg: `recover service '${sid}' from fenced node '${node}' to node '${target}'` }],
      });
      this.apply(sid, t);
    }
  }

  /** select_service_node: the highest-priority group of the rule's online nodes, then fewest services, then name. */
  selectNode(sid: string, exclude: string): string | undefined {
    let candidates = this.model.nodes.filter((n) => n.online && n.name !== exclude).map((n) => n.name);
    const rule = this.rules.find((r) => r.resources.includes(sid));
    if (rule) {
      const allowed = rule.nodes.filter((n) => candidates.includes(n.node));
      if (allowed.length > 0) {
        const top = Math.max(...allowed.map((n) => n.priority));
        candidates = allowed.filter((n) => n.priority === top).map((n) => n.node);
      } else if (rule.strict) return undefined;
    }
    const usage = (node: string) => [...this.services.entries()].filter(([id, s]) => id !== sid && s.node === node && s.state !== "stopped").length;
    return candidates.sort((a, b) => usage(a) - usage(b) || (a < b ? -1 : 1))[0];
  }

  private nodeUp(node: string, at: number): void {
    this.cancel(`node:${node}`);
    this.nodeStates.set(node, "online");
    if (this.model.isQuorate()) this.armed.add(node);
    for (const [sid, s] of this.services) {
      if (s.node !== node) continue;
      if (s.state === "fence" || s.state === "recovery") s.state = "started";
      // After the reboot the LRM starts what should run here.
      const guest = this.guestOf(sid);
      if (guest?.node === node) this.later(`svc:${sid}`, this.round(at + 60), `ha lrm start ${sid}`, (t) => this.apply(sid, t));
    }
    this.quorumChanged(at);
  }

  /** Writes after the last replication snapshot stay on the dead node only; a later `zfs recv -F` discards them. */
  private markDivergent(node: string, at: number): void {
    for (const guest of this.model.guestsOn(node)) {
      if (guest.status !== "running") continue;
      const total = guest.disks.reduce((s, d) => s + d.size, 0) || 1;
      for (const disk of guest.disks) {
        const vol = this.model.volume(node, disk.volid);
        if (!vol) continue;
        const newest = Math.max(0, ...[...vol.snapshots.values()]);
        if (newest <= 0) continue;
        vol.divergent = { since: newest, until: at, bytes: Math.round(changedBytes((guest.changeRate * disk.size) / total, newest, at)) };
      }
    }
  }

  /** Watchdog: an online node whose LRM is active and that has no quorum resets itself. */
  private quorumChanged(at: number): void {
    if (this.model.isQuorate()) {
      for (const n of this.model.nodes) {
        this.cancel(`wd:${n.name}`);
        if (n.online) this.armed.add(n.name);
      }
      for (const sid of this.model.haResources.keys()) {
        const s = this.service(sid);
        const guest = this.guestOf(sid);
        if (s && guest && guest.status !== "running" && s.state !== "fence" && s.state !== "recovery" && this.model.node(guest.node)?.online) {
          this.later(`svc:${sid}`, this.round(at + 1), `ha apply ${sid}`, (t) => this.apply(sid, t));
        }
      }
      return;
    }
    for (const n of this.model.nodes) {
      if (!n.online || !this.armed.has(n.name) || !this.lrmActive(n.name) || this.pending.get(`wd:${n.name}`)?.length) continue;
      this.later(`wd:${n.name}`, at + HA.WATCHDOG, `watchdog ${n.name}`, (t) => {
        if (this.model.isQuorate() || !this.model.node(n.name)?.online) return;
        this.selfFenced.add(n.name);
        this.model.setNodeOnline(n.name, false, t);
        this.events.schedule(t + HA.REBOOT, `reboot ${n.name}`, (t2) => this.model.setNodeOnline(n.name, true, t2));
      });
    }
  }

  /** Nodes the watchdog reset (ground truth for tests). */
  readonly selfFenced = new Set<string>();
}
