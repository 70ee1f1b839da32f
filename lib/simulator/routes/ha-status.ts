import type { HaManager, ServiceConfig, ServiceStatus } from "../ha";
import { HA } from "../ha";
import { activeServiceCount } from "../ha-lrm";
import type { RouteContext, RouteTable } from "../route-types";
import { perlLocaltime } from "../time-format";

// HA status (pve-ha-manager 5.1.3 src/PVE/API2/HA/Status.pm): what /etc/pve/ha/manager_status
// and each node's lrm_status hold, read by whichever node answers.

export const haStatusRoutes: RouteTable = {
  "GET /cluster/ha/status": () => [{ name: "current" }, { name: "manager_status" }, { name: "disarm-ha" }, { name: "arm-ha" }],
  "GET /cluster/ha/status/current": (ctx) => currentStatus(ctx),
  "GET /cluster/ha/status/manager_status": ({ core, contactedNode }) => {
    const { ha } = core;
    const lrmStatus: Record<string, unknown> = {};
    for (const node of Object.keys(ha.ms.node_status).sort()) {
      const lrm = ha.lrm.get(node);
      if (!lrm) continue;
      lrmStatus[node] = {
        state: lrm.state, mode: lrm.mode, timestamp: Math.floor(lrm.timestamp),
        results: Object.fromEntries([...lrm.results].map(([uid, code]) => [uid, { exit_code: code }])),
      };
    }
    return {
      manager_status: {
        ...(ha.ms.master_node ? { master_node: ha.ms.master_node } : {}),
        ...(ha.ms.timestamp !== undefined ? { timestamp: Math.floor(ha.ms.timestamp) } : {}),
        node_status: ha.ms.node_status,
        service_status: ha.ms.service_status,
      },
      quorum: { node: contactedNode, quorate: core.model.isQuorate() ? 1 : 0 },
      lrm_status: lrmStatus,
    };
  },
};

/** `$timestamp_to_status`. */
function timestampStatus(now: number, timestamp: number): string {
  const diff = now - timestamp;
  if (diff > HA.STATUS_STALE) return "old timestamp - dead?";
  if (diff < -2) return "detected time drift!";
  return "active";
}

function currentStatus({ core, contactedNode, now }: RouteContext): Record<string, unknown>[] {
  const { model, ha } = core;
  const tz = model.timeZone;
  const quorate = model.isQuorate();
  const out: Record<string, unknown>[] = [
    { id: "quorum", type: "quorum", node: contactedNode, status: quorate ? "OK" : `No quorum on node '${contactedNode}'!`, quorate: quorate ? 1 : 0 },
  ];
  const { master_node: master, timestamp } = ha.ms;
  let crmActive = false;
  if (master !== undefined && timestamp !== undefined) {
    let status = timestampStatus(now, timestamp);
    crmActive = status === "active";
    if (quorate && status !== "active" && model.haResources.size === 0) status = "idle";
    out.push({ id: "master", type: "master", node: master, status: `${master} (${status}, ${perlLocaltime(timestamp, tz)})`, timestamp: Math.floor(timestamp) });
  }
  out.push({
    id: "fencing", type: "fencing", node: master ?? contactedNode,
    status: crmActive ? "armed (CRM watchdog active)" : "standby (CRM watchdog standby)", "armed-state": crmActive ? "armed" : "standby",
  });
  for (const node of Object.keys(ha.ms.node_status).sort()) {
    const lrm = ha.lrm.get(node);
    if (!lrm || !lrm.timestamp) {
      out.push({ id: `lrm:${node}`, type: "lrm", node, status: `${node} (unable to read lrm status)` });
      continue;
    }
    let status = timestampStatus(now, lrm.timestamp);
    const watchdog = status === "active" && lrm.state === "active" ? "watchdog active" : "watchdog standby";
    if (status === "active") status = lrm.state === "wait_for_agent_lock" && activeServiceCount(ha, node) === 0 ? "idle" : lrm.state;
    out.push({ id: `lrm:${node}`, type: "lrm", node, status: `${node} (${status}, ${watchdog}, ${perlLocaltime(lrm.timestamp, tz)})`, timestamp: Math.floor(lrm.timestamp) });
  }
  const configs = new Map<string, ServiceConfig>();
  for (const sid of model.haResources.keys()) {
    const cd = ha.config(sid);
    if (cd) configs.set(sid, cd);
  }
  for (const sid of Object.keys(ha.ms.service_status).sort()) out.push(serviceEntry(ha, sid, configs.get(sid), ha.ms.service_status[sid]));
  for (const sid of [...configs.keys()].sort()) if (!ha.ms.service_status[sid]) out.push(serviceEntry(ha, sid, configs.get(sid), undefined));
  return out;
}

function serviceEntry(ha: HaManager, sid: string, sc: ServiceConfig | undefined, ss: ServiceStatus | undefined): Record<string, unknown> {
  const node = ss?.node ?? sc?.node ?? "---";
  const state = verboseState(ss, sc);
  const data: Record<string, unknown> = { id: `service:${sid}`, type: "service", sid, node };
  if (ss) data.crm_state = ss.state;
  Object.assign(data, { state, status: `${sid} (${node}, ${state})` });
  const res = ha.model.haResources.get(sid);
  if (sc && res) {
    data.request_state = res.state;
    Object.assign(data, { max_restart: sc.max_restart, max_relocate: sc.max_relocate });
    // PVE 9 reports the resource's failback; PVE 8 its group (failback is the group's nofailback there).
    if (ha.model.pveVersion === 8) {
      if (res.group !== undefined) data.group = res.group;
    } else data.failback = sc.failback ? 1 : 0;
    if (res.comment !== undefined) data.comment = res.comment;
  }
  return data;
}

/** Tools.pm get_verbose_service_state: the CRM state, with `starting`/`stopping` while the LRM works. */
export function verboseState(ss: ServiceStatus | undefined, sc: ServiceConfig | undefined): string {
  if (!sc) return "deleting";
  if (sc.state === "ignored") return "ignored";
  if (!ss) return "queued";
  if (ss.state === "stopped") return sc.state === "started" ? "starting" : sc.state === "disabled" ? "disabled" : "stopped";
  if (ss.state === "started") {
    if (!ss.running) return "starting";
    return sc.state === "stopped" || sc.state === "disabled" ? "stopping" : "started";
  }
  if (ss.state === "error" && sc.state === "disabled") return "clearing error flag";
  return ss.state;
}
