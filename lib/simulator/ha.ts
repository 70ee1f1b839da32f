import { changedBytes } from "./change-rate";
import type { ClusterModel } from "./cluster";
import type { EventQueue } from "./events";
import { crmStep } from "./ha-crm";
import { lrmStep, resetLrm } from "./ha-lrm";
import { isSteady, steadyCrm, steadyLrm } from "./ha-steady";
import { haSid } from "./guest-power";
import { failbackOf } from "./pve8";
import type { Guest, HaResource, HaRule } from "./model-types";

/**
 * The HA stack (pve-ha-manager: CRM.pm + Manager.pm + NodeStatus.pm, LRM.pm, Env/PVE2.pm) as
 * Proxmox runs it: every node runs a CRM and an LRM in rounds of 10 s (`$max_time`). One CRM holds
 * the cluster-wide `ha_manager_lock` and is master; each active LRM holds its node's agent lock.
 * A lock lives 120 s from its last renewal (pmxcfs), so a dead master is replaced only once its lock
 * expired, a dead node is fenced 60 s after the master last saw it online (or after the master took
 * over, `last_online` is not persisted), and its services are recovered when the master gets the
 * node's agent lock. Within a round the nodes act one after the other (CRM, then LRM), as in
 * Proxmox's HA test harness (Sim/TestHardware.pm), whose 20 s rounds the tests replay.
 */

/** `$valid_service_states` of Manager.pm: the only CRM states. */
export type CrmServiceState =
  | "stopped" | "request_stop" | "request_start" | "request_start_balance" | "started"
  | "fence" | "recovery" | "migrate" | "relocate" | "freeze" | "error";
/** `$valid_node_states` of NodeStatus.pm. */
export type HaNodeState = "online" | "maintenance" | "unknown" | "fence" | "gone";
export type CrmState = "wait_for_quorum" | "master" | "lost_manager_lock" | "slave";
export type LrmState = "wait_for_agent_lock" | "active" | "lost_agent_lock";

/** One entry of the manager status' `service_status`. */
export type ServiceStatus = {
  state: CrmServiceState;
  node: string;
  uid: string;
  target?: string;
  running?: 1;
  failed_nodes?: string[];
  cmd?: [string, string];
};

export type LrmStatus = {
  state: LrmState;
  mode: "active";
  timestamp: number;
  /** Results of finished commands by uid (0 = SUCCESS, 1 = ERROR, 2 = EWRONG_NODE). */
  results: Map<string, number>;
  /** Commands running on this node, by sid. */
  workers: Map<string, string>;
  idleRounds: number;
};

/** What `/etc/pve/ha/manager_status` holds; every node reads it. */
export type ManagerStatus = {
  master_node?: string;
  timestamp?: number;
  node_status: Record<string, HaNodeState>;
  service_status: Record<string, ServiceStatus>;
};

export const HA = {
  /** CRM.pm/LRM.pm `$max_time`: one round. The regression harness uses 20 s. */
  ROUND: 10,
  /** Env/PVE2.pm get_pve_lock `$retry_timeout`: pmxcfs lock lifetime. */
  LOCK_TIMEOUT: 120,
  /** NodeStatus.pm `$fence_delay`. */
  FENCE_DELAY: 60,
  /** API2/HA/Status.pm: an LRM/CRM status older than this reads `old timestamp - dead?`. */
  STATUS_STALE: 30,
  /** watchdog-mux timeout. */
  WATCHDOG: 60,
  /** Time a reset node takes to boot. */
  REBOOT: 90,
} as const;


/** A resource's configuration as the CRM reads it (`read_and_check_resources_config`). */
export type ServiceConfig = { state: "started" | "stopped" | "disabled" | "ignored"; node: string; type: "vm" | "ct"; max_relocate: number; max_restart: number; failback: boolean };

export type HaLog = { t: number; node: string; msg: string };

export type HaOptions = { round?: number };

export class HaManager {
  /** Called when the CRM starts fencing a node (notifications.ts sends Proxmox's fence notification). */
  onFence?: (node: string, at: number) => void;
  readonly round: number;
  readonly ms: ManagerStatus = { node_status: {}, service_status: {} };
  readonly crm = new Map<string, CrmState>();
  readonly lrm = new Map<string, LrmStatus>();
  /** pmxcfs locks: name → holder and last renewal. */
  readonly locks = new Map<string, { node: string; time: number }>();
  /** The master's in-memory `last_online` (NodeStatus.pm); lost when another CRM becomes master. */
  lastOnline = new Map<string, number>();
  /** Queued `ha-manager crm-command` lines (`/etc/pve/ha/crm_commands`). */
  readonly commands: string[] = [];
  /** What the daemons logged (syslog), for tests and the control API. */
  readonly log: HaLog[] = [];
  /** Nodes the watchdog reset (ground truth for tests). */
  readonly selfFenced = new Set<string>();
  private uidCounter = 0;
  private looping = false;
  /** This round changes nothing but timestamps (ha-steady.ts); anything that happens meanwhile ends that. */
  private steady = false;
  private readonly watchdogs = new Map<string, ReturnType<EventQueue["schedule"]>>();

  constructor(
    readonly model: ClusterModel,
    readonly events: EventQueue,
    start: number,
    options: HaOptions = {},
  ) {
    this.round = options.round ?? HA.ROUND;
    this.bootstrap(start);
    model.nodeListeners.push((node, online, at) => (online ? this.nodeUp(node) : this.nodeDown(node, at ?? start)));
    model.quorumListeners.push((at) => this.quorumChanged(at ?? start));
  }

  /** A cluster that has been running for a while: pve1 (first node) is master, services are where their guests are. */
  private bootstrap(t: number): void {
    for (const n of this.model.nodes) {
      this.crm.set(n.name, "wait_for_quorum");
      this.lrm.set(n.name, { state: "wait_for_agent_lock", mode: "active", timestamp: t, results: new Map(), workers: new Map(), idleRounds: 0 });
    }
    if (this.model.haResources.size === 0 || !this.model.isQuorate()) return this.kick(t);
    const master = this.model.nodes.find((n) => n.online);
    if (!master) return;
    for (const n of this.model.nodes) {
      this.crm.set(n.name, n.online ? (n === master ? "master" : "slave") : "wait_for_quorum");
      this.ms.node_status[n.name] = n.online ? "online" : "unknown";
    }
    this.locks.set("ha_manager_lock", { node: master.name, time: t });
    this.ms.master_node = master.name;
    this.ms.timestamp = t;
    for (const [sid, res] of this.model.haResources) {
      const cd = this.config(sid, res);
      if (!cd || cd.state === "ignored") continue;
      const guest = this.guestOf(sid) as Guest;
      const running = guest.status === "running";
      this.ms.service_status[sid] = cd.state === "started" ? { state: "started", node: cd.node, uid: this.newUid(), ...(running ? { running: 1 } : {}) } : { state: "stopped", node: cd.node, uid: this.newUid() };
      const lrm = this.lrm.get(cd.node);
      if (lrm && cd.state === "started" && this.model.node(cd.node)?.online) {
        lrm.state = "active";
        this.locks.set(`ha_agent_${cd.node}_lock`, { node: cd.node, time: t });
      }
    }
    this.kick(t);
  }

  newUid(): string {
    return `u${++this.uidCounter}`;
  }

  say(t: number, node: string, msg: string): void {
    this.log.push({ t, node, msg });
    if (this.log.length > 5000) this.log.splice(0, this.log.length - 5000);
  }

  guestOf(sid: string): Guest | undefined {
    const m = /^(vm|ct):(\d+)$/.exec(sid);
    const guest = m ? this.model.guest(Number(m[2])) : undefined;
    return guest && (guest.type === "lxc") === (m?.[1] === "ct") ? guest : undefined;
  }

  /** The resource config plus the node its guest config lives on; `enabled` reads as `started`. */
  config(sid: string, res = this.model.haResources.get(sid)): ServiceConfig | undefined {
    const guest = this.guestOf(sid);
    if (!res || !guest) return undefined;
    const state = res.state === "enabled" ? "started" : res.state;
    return { state, node: guest.node, type: res.type, max_relocate: res.max_relocate ?? 1, max_restart: res.max_restart ?? 1, failback: failbackOf(this.model, res) };
  }

  /** The CRM's entry for a service (`service_status`), if the CRM has picked it up. */
  service(sid: string): ServiceStatus | undefined {
    return this.ms.service_status[sid];
  }

  isManaged(guest: Guest): boolean {
    const res = this.model.haResources.get(haSid(guest));
    return res !== undefined && res.state !== "ignored";
  }

  nodeState(node: string): HaNodeState | undefined {
    return this.ms.node_status[node];
  }

  lrmActive(node: string): boolean {
    return this.lrm.get(node)?.state === "active";
  }

  /** pmxcfs lock semantics (Sim/Env.pm sim_get_lock): the holder renews it; anyone takes it once expired. */
  takeLock(name: string, node: string, t: number): boolean {
    if (!this.model.isQuorate()) return false;
    const lock = this.locks.get(name);
    if (lock && t - lock.time <= HA.LOCK_TIMEOUT && lock.node !== node) return false;
    this.locks.set(name, { node, time: t });
    return true;
  }

  /** Starts the daemons' rounds (they stop when there is no HA configuration and no service state left). */
  kick(t: number): void {
    this.steady = false;
    if (this.looping) return;
    this.looping = true;
    const first = Math.ceil(t / this.round) * this.round;
    this.events.schedule(first, "ha round", (at) => this.loop(at));
  }

  private loop(t: number): void {
    if (this.model.haResources.size === 0 && Object.keys(this.ms.service_status).length === 0 && this.commands.length === 0) {
      this.looping = false;
      return;
    }
    const online = this.model.nodes.filter((n) => n.online).map((n) => n.name).sort();
    this.steady = isSteady(this);
    // Each daemon takes one second of the round (TestHardware.pm), squeezed on large clusters.
    const slot = Math.min(1, this.round / (2 * Math.max(1, online.length)));
    online.forEach((node, i) => {
      this.events.schedule(t + 2 * i * slot, `ha crm ${node}`, (at) => {
        if (!this.model.node(node)?.online) return;
        if (this.steady) steadyCrm(this, node, at);
        else crmStep(this, node, at);
      });
      this.events.schedule(t + (2 * i + 1) * slot, `ha lrm ${node}`, (at) => {
        if (!this.model.node(node)?.online) return;
        if (this.steady) steadyLrm(this, node, at);
        else lrmStep(this, node, at);
      });
    });
    this.events.schedule(t + this.round, "ha round", (at) => this.loop(at));
  }

  /** `ha-manager set <sid> --state started|stopped` (hastart/hastop). */
  request(guest: Guest, want: "started" | "stopped", at: number): void {
    const res = this.model.haResources.get(haSid(guest));
    if (res) res.state = want;
    this.model.touch();
    this.kick(at);
  }

  /** A new or changed resource: the CRM picks it up at its next round. */
  reconcile(_guest: Guest, at: number): void {
    this.kick(at);
  }

  /** `ha-manager crm-command migrate|relocate <sid> <node>`: queued for the master's next round. */
  requestMove(guest: Guest, target: string, kind: "migrate" | "relocate", at: number): void {
    this.commands.push(`${kind} ${haSid(guest)} ${target}`);
    this.kick(at);
  }

  requestMigrate(guest: Guest, target: string, at: number): void {
    this.requestMove(guest, target, "migrate", at);
  }

  private nodeDown(node: string, at: number): void {
    this.steady = false;
    // Its daemons die; what they last wrote (lrm_status, locks) stays in pmxcfs and goes stale.
    this.crm.set(node, "wait_for_quorum");
    const wd = this.watchdogs.get(node);
    if (wd) this.events.cancel(wd);
    this.watchdogs.delete(node);
    this.markDivergent(node, at);
  }

  private nodeUp(node: string): void {
    this.steady = false;
    // The daemons start again: the CRM waits for quorum, the LRM for its agent lock.
    this.crm.set(node, "wait_for_quorum");
    resetLrm(this, node);
    this.quorumChanged(this.model.node(node)?.bootTime ?? 0);
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

  /** Watchdog: a node whose LRM holds its agent lock and that has no quorum resets itself 60 s later. */
  private quorumChanged(at: number): void {
    this.steady = false;
    if (this.model.isQuorate()) {
      for (const ev of this.watchdogs.values()) this.events.cancel(ev);
      this.watchdogs.clear();
      this.kick(at);
      return;
    }
    for (const n of this.model.nodes) {
      if (!n.online || !this.lrmActive(n.name) || this.watchdogs.has(n.name)) continue;
      this.watchdogs.set(n.name, this.events.schedule(at + HA.WATCHDOG, `watchdog ${n.name}`, (t) => {
        this.watchdogs.delete(n.name);
        if (this.model.isQuorate() || !this.model.node(n.name)?.online) return;
        this.selfFenced.add(n.name);
        this.say(t, "watchdog", `execute power ${n.name} off`);
        this.model.setNodeOnline(n.name, false, t);
        this.events.schedule(t + HA.REBOOT, `reboot ${n.name}`, (t2) => this.model.setNodeOnline(n.name, true, t2));
      }));
    }
  }
}

export type { HaResource, HaRule };
export type { NodeAffinityRule, ResourceAffinityRule } from "./model-types";
