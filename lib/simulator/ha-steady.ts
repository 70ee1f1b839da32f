import type { HaManager } from "./ha";
import { selectServiceNode } from "./ha-select";

// A round in which the CRM and the LRMs would change nothing but their timestamps and lock
// renewals: every service is where its config is and in its requested state, the master and the
// LRMs hold what they should, nothing is queued or running. Most rounds of a healthy cluster are
// like that; they renew the same locks and timestamps at the same seconds without the full
// Manager.pm pass, which keeps a simulated day of HA rounds cheap.

export function isSteady(ha: HaManager): boolean {
  const { model, ms } = ha;
  if (!model.isQuorate() || ha.commands.length > 0) return false;
  const master = ms.master_node;
  if (master === undefined || ha.crm.get(master) !== "master" || !model.node(master)?.online) return false;
  for (const n of model.nodes) {
    if (n.online !== (ms.node_status[n.name] === "online") || ms.node_status[n.name] === "fence") return false;
    if (n.online && n.name !== master && ha.crm.get(n.name) !== "slave") return false;
  }
  const configured = new Set<string>();
  const active = new Set<string>();
  let managed = 0;
  for (const [sid, res] of model.haResources) {
    const sd = ms.service_status[sid];
    if (res.state === "ignored") {
      if (sd) return false;
      continue;
    }
    managed++;
    const guest = ha.guestOf(sid);
    if (!sd || !guest || sd.cmd || guest.node !== sd.node || !model.node(sd.node)?.online) return false;
    configured.add(sd.node);
    if (res.state === "started" || res.state === "enabled") {
      if (sd.state !== "started" || sd.running !== 1 || guest.status !== "running") return false;
      // A rule or group changed so that HA prefers another node: the CRM migrates it (failback).
      const cd = ha.config(sid, res);
      if (cd && selectServiceNode(ha, sid, cd, "none") !== sd.node) return false;
      active.add(sd.node);
    } else if (sd.state !== "stopped" || guest.status !== "stopped") return false;
  }
  if (Object.keys(ms.service_status).length !== managed) return false;
  for (const n of model.nodes) {
    if (!n.online) continue;
    const lrm = ha.lrm.get(n.name);
    if (!lrm || lrm.workers.size > 0) return false;
    if (lrm.state === "active" ? !configured.has(n.name) : lrm.state !== "wait_for_agent_lock" || active.has(n.name)) return false;
  }
  return true;
}

/** The CRM step of a steady round: the master renews its lock and writes the manager status. */
export function steadyCrm(ha: HaManager, node: string, t: number): void {
  if (ha.ms.master_node !== node) return;
  ha.takeLock("ha_manager_lock", node, t);
  for (const n of ha.model.nodes) if (n.online) ha.lastOnline.set(n.name, t);
  ha.ms.timestamp = t;
}

/** The LRM step of a steady round: an active LRM renews its agent lock; every LRM writes its status. */
export function steadyLrm(ha: HaManager, node: string, t: number): void {
  const lrm = ha.lrm.get(node);
  if (!lrm) return;
  if (lrm.state === "active") ha.takeLock(`ha_agent_${node}_lock`, node, t);
  lrm.timestamp = t;
}
