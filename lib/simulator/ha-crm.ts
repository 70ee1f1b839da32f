import type { CrmServiceState, HaManager, HaNodeState, ServiceConfig, ServiceStatus } from "./ha";
import { HA } from "./ha";
import { selectServiceNode } from "./ha-select";

// The CRM (pve-ha-manager src/PVE/HA/CRM.pm `work`, Manager.pm `manage` and `next_state_*`,
// NodeStatus.pm): one round of one node's CRM. Only the master changes the manager status.

export function crmStep(ha: HaManager, node: string, t: number): void {
  const { model } = ha;
  let state = ha.crm.get(node) ?? "wait_for_quorum";
  const canActive = model.isQuorate() && (model.haResources.size > 0 || Object.keys(ha.ms.service_status).length > 0 || ha.commands.length > 0);
  const set = (next: typeof state) => {
    if (next === state) return;
    ha.say(t, `${node}/crm`, `status change ${state} => ${next}`);
    if (next === "master") {
      ha.say(t, `${node}/crm`, "got lock 'ha_manager_lock'");
      ha.lastOnline = new Map(); // a new Manager: last_online is not persisted
    }
    state = next;
    ha.crm.set(node, next);
  };
  if (state === "wait_for_quorum" || state === "slave") {
    if (canActive) set(ha.takeLock("ha_manager_lock", node, t) ? "master" : "slave");
    else if (state === "slave") set("wait_for_quorum");
  } else if (state === "lost_manager_lock") {
    if (model.isQuorate() && ha.takeLock("ha_manager_lock", node, t)) set("master");
    else set("wait_for_quorum");
  } else if (state === "master" && !ha.takeLock("ha_manager_lock", node, t)) {
    set("lost_manager_lock");
  }
  if (state === "master") manage(ha, node, t);
}

function manage(ha: HaManager, master: string, t: number): void {
  const { model, ms } = ha;
  const ns = ms.node_status;
  const setNode = (node: string, next: HaNodeState) => {
    const last = ns[node] ?? "unknown";
    if (last === next) return;
    ns[node] = next;
    ha.say(t, `${master}/crm`, `node '${node}': state changed from '${last}' => '${next}'`);
  };
  // NodeStatus::update
  for (const n of model.nodes) {
    if (n.online) {
      ha.lastOnline.set(n.name, t);
      if ((ns[n.name] ?? "unknown") === "unknown" || ns[n.name] === "gone") setNode(n.name, "online");
    } else if ((ns[n.name] ?? "online") === "online") setNode(n.name, "unknown");
  }
  ms.master_node = master;

  const ss = ms.service_status;
  const configs = new Map<string, ServiceConfig>();
  for (const sid of [...model.haResources.keys()].sort()) {
    const cd = ha.config(sid);
    if (!cd) continue;
    configs.set(sid, cd);
    if (ss[sid] || cd.state === "ignored") continue;
    ha.say(t, `${master}/crm`, `adding new service '${sid}' on node '${cd.node}'`);
    ss[sid] = { state: cd.state === "started" ? "request_start" : "request_stop", node: cd.node, uid: ha.newUid() };
  }
  for (const sid of Object.keys(ss)) {
    if (configs.get(sid) && configs.get(sid)?.state !== "ignored") continue;
    ha.say(t, `${master}/crm`, `removing stale service '${sid}' (${configs.has(sid) ? "ignored state requested" : "no config"})`);
    delete ss[sid];
  }

  readCommands(ha, master, t);

  const offlineDelayed = (node: string): boolean => {
    if (ns[node] === "online") return false;
    const last = ha.lastOnline.get(node);
    if (last === undefined) {
      ha.lastOnline.set(node, t);
      return false;
    }
    return t - last >= HA.FENCE_DELAY;
  };
  const change = (sid: string, next: CrmServiceState, params: { node?: string; target?: string } = {}) => {
    const sd = ss[sid] as ServiceStatus;
    const text = Object.entries(params).map(([k, v]) => `${k} = ${v}`).join(", ");
    ss[sid] = { state: next, node: params.node ?? sd.node, uid: ha.newUid(), ...(params.target ? { target: params.target } : {}), ...(sd.failed_nodes ? { failed_nodes: sd.failed_nodes } : {}) };
    ha.say(t, `${master}/crm`, `service '${sid}': state changed from '${sd.state}' to '${next}'${text ? `  (${text})` : ""}`);
  };
  const ctx: StepContext = { ha, master, t, change, offlineDelayed };

  for (let guard = 0; guard < 10; guard++) {
    let repeat = false;
    for (const sid of Object.keys(ss).sort()) {
      const sd = ss[sid] as ServiceStatus;
      const cd = configs.get(sid) ?? { state: "disabled", node: sd.node, type: "vm", max_relocate: 1, max_restart: 1, failback: true };
      const result = ha.lrm.get(sd.node)?.results.get(sd.uid) ?? (sd.target ? ha.lrm.get(sd.target)?.results.get(sd.uid) : undefined);
      const last = sd.state;
      nextState(ctx, sid, cd, sd, result);
      if ((ss[sid] as ServiceStatus).state !== last) repeat = true;
    }
    // Fencing: the master must hold the dead node's agent lock before it recovers anything.
    const fenced = new Map<string, boolean>();
    for (const sid of Object.keys(ss).sort()) {
      const sd = ss[sid] as ServiceStatus;
      if (sd.state !== "fence") continue;
      if (!fenced.has(sd.node)) fenced.set(sd.node, fenceNode(ha, master, sd.node, t, setNode));
      if (!fenced.get(sd.node)) continue;
      change(sid, "recovery");
      repeat = true;
    }
    for (const node of Object.keys(ns).sort()) {
      if (fenced.has(node) || ns[node] !== "fence") continue;
      ha.say(t, `${master}/crm`, `node '${node}' in fence state but no services to-fence! admin interference?!`);
      if (fenceNode(ha, master, node, t, setNode)) repeat = true;
    }
    if (!repeat) break;
  }
  ms.timestamp = t; // flush_master_status
}

type StepContext = {
  ha: HaManager;
  master: string;
  t: number;
  change: (sid: string, next: CrmServiceState, params?: { node?: string; target?: string }) => void;
  offlineDelayed: (node: string) => boolean;
};

function fenceNode(ha: HaManager, master: string, node: string, t: number, setNode: (node: string, s: HaNodeState) => void): boolean {
  if (ha.ms.node_status[node] !== "fence") {
    setNode(node, "fence");
    ha.say(t, `${master}/crm`, `FENCE: Try to fence node '${node}'`);
  }
  if (!ha.takeLock(`ha_agent_${node}_lock`, master, t)) return false;
  ha.say(t, `${master}/crm`, `fencing: acknowledged - got agent lock for node '${node}'`);
  setNode(node, "unknown");
  return true;
}

function readCommands(ha: HaManager, master: string, t: number): void {
  const ss = ha.ms.service_status;
  for (const cmd of ha.commands.splice(0)) {
    const [task, sid, node] = cmd.split(" ") as [string, string, string];
    const sd = ss[sid];
    if (!sd) ha.say(t, `${master}/crm`, `crm command error - no such service: ${cmd}`);
    else if (ha.ms.node_status[node] !== "online") ha.say(t, `${master}/crm`, `crm command error - node not online: ${cmd}`);
    else if (node === sd.node) ha.say(t, `${master}/crm`, `ignore crm command - service already on target node: ${cmd}`);
    else {
      ha.say(t, `${master}/crm`, `got crm command: ${cmd}`);
      sd.cmd = [task, node];
    }
  }
}

function nextState(ctx: StepContext, sid: string, cd: ServiceConfig, sd: ServiceStatus, result: number | undefined): void {
  const { ha, change, offlineDelayed, t, master } = ctx;
  const online = (node: string) => ha.ms.node_status[node] === "online";
  switch (sd.state) {
    case "stopped": {
      if (sd.node !== cd.node) sd.node = cd.node;
      if (sd.cmd) {
        const [cmd, target] = sd.cmd;
        delete sd.cmd;
        if ((cmd === "migrate" || cmd === "relocate") && online(target) && target !== sd.node) return change(sid, cmd, { node: sd.node, target });
      }
      if (cd.state === "disabled") return;
      if (offlineDelayed(sd.node)) return change(sid, "fence");
      if (cd.state === "started") return change(sid, "request_start", { node: sd.node });
      return;
    }
    case "request_start":
      return change(sid, "started", { node: sd.node });
    case "request_stop":
      if (result !== undefined) return change(sid, result === 0 ? "stopped" : "error");
      if (offlineDelayed(sd.node)) return change(sid, "fence");
      return;
    case "migrate":
    case "relocate":
    case "request_start_balance": {
      const wanted = cd.state === "started" ? "started" : "request_stop";
      if (result !== undefined) {
        if (result === 0) return change(sid, wanted, { node: sd.target });
        ha.say(t, `${master}/crm`, `service '${sid}' - migration failed (exit code ${result})`);
        return change(sid, result === 2 ? "error" : wanted, { node: sd.node });
      }
      if (offlineDelayed(sd.node)) return change(sid, "fence");
      return;
    }
    case "started":
      return nextStateStarted(ctx, sid, cd, sd, result);
    case "recovery": {
      const fenced = sd.node;
      const target = selectServiceNode(ha, sid, cd, "best-score");
      if (!target) {
        ha.say(t, `${master}/crm`, `recovering service '${sid}' from fenced node '${fenced}' failed, no recovery node found`);
        if (cd.state === "disabled") change(sid, "stopped");
        return;
      }
      ha.say(t, `${master}/crm`, `recover service '${sid}' from fenced node '${fenced}' to node '${target}'`);
      stealService(ha, sid, target);
      return change(sid, cd.state === "started" ? "started" : "request_stop", { node: target });
    }
    case "error":
      if (cd.state === "disabled") change(sid, "stopped");
      return;
    default:
      return; // fence: wait until fenced; freeze
  }
}

function nextStateStarted(ctx: StepContext, sid: string, cd: ServiceConfig, sd: ServiceStatus, result: number | undefined): void {
  const { ha, change, offlineDelayed, t, master } = ctx;
  if (ha.ms.node_status[sd.node] !== "online") {
    if (offlineDelayed(sd.node)) change(sid, "fence");
    return;
  }
  if (cd.state === "disabled" || cd.state === "stopped") return change(sid, "request_stop");
  if (sd.cmd) {
    const [cmd, target] = sd.cmd;
    delete sd.cmd;
    if (ha.ms.node_status[target] !== "online") ha.say(t, `${master}/crm`, `ignore service '${sid}' ${cmd} request - node '${target}' not online`);
    else if (sd.node === target) ha.say(t, `${master}/crm`, `ignore service '${sid}' ${cmd} request - service already on node '${target}'`);
    else {
      ha.say(t, `${master}/crm`, `${cmd} service '${sid}' to node '${target}'`);
      change(sid, cmd as CrmServiceState, { node: sd.node, target });
    }
    return;
  }
  let preference: "none" | "try-next" = "none";
  if (result === 0) {
    delete sd.failed_nodes;
    sd.running = 1;
  } else if (result !== undefined) {
    delete sd.running;
    sd.failed_nodes = [...(sd.failed_nodes ?? []), sd.node];
    if (sd.failed_nodes.length > cd.max_relocate) {
      ha.say(t, `${master}/crm`, `recovery policy for service ${sid} failed, entering error state. Failed nodes: ${sd.failed_nodes.join(", ")}`);
      return change(sid, "error");
    }
    ha.say(t, `${master}/crm`, `starting service ${sid} on node '${sd.node}' failed, relocating service.`);
    preference = "try-next";
  }
  const node = selectServiceNode(ha, sid, cd, preference);
  if (node && node !== sd.node) {
    const kind = cd.type === "vm" ? "migrate" : "relocate";
    ha.say(t, `${master}/crm`, `${kind} service '${sid}' to node '${node}'${kind === "migrate" ? " (running)" : ""}`);
    return change(sid, kind, { node: sd.node, target: node });
  }
  // Start it again if it went down unexpectedly, without losing an LRM result. (Proxmox renews the
  // uid after every result, so the LRM re-checks each round; the simulator renews it only when the
  // guest is not running, which gives the same restarts without a command per service per round.)
  if (result !== undefined && ha.guestOf(sid)?.status !== "running") sd.uid = ha.newUid();
}

/** Env/PVE2.pm steal_service: the config file moves to the new node; pvesr there turns the jobs around. */
function stealService(ha: HaManager, sid: string, target: string): void {
  const guest = ha.guestOf(sid);
  if (!guest) return;
  guest.node = target;
  guest.status = "stopped";
  delete guest.lock; // fence_recovery_cleanup removes locks a reset node left behind
  ha.model.touch();
}
