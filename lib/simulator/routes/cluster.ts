import { nextEvents } from "@/lib/schedule/calendar-event";

import { hasPrivilege } from "../auth";
import { PVE_VERSIONS } from "../pve8";
import type { RouteContext, RouteTable } from "../route-types";
import { optNum, optStr, str } from "../route-types";
import { guestStats, nodeStats } from "../stats";
import { perlGmtime, zoneOffsetSeconds } from "../time-format";

// Cluster and node health: pve-manager PVE/API2/Cluster.pm, Nodes.pm, API2Tools.pm,
// Cluster/Jobs.pm; versions per the simulated major version (pve8.ts).

const KERNEL = { sysname: "Linux", release: "6.17.2-2-pve", version: "#1 SMP PREEMPT_DYNAMIC PMX 6.17.2-2 (2025-11-20T09:45Z)", machine: "x86_64" };

export const clusterRoutes: RouteTable = {
  "GET /version": ({ core }) => ({ ...PVE_VERSIONS[core.model.pveVersion], repoid: "5e4c1a8d2b3f9e07" }),

  "GET /nodes": ({ core, auth, now }) =>
    core.model.nodes.map((node) => {
      const base: Record<string, unknown> = { node: node.name, id: `node/${node.name}`, type: "node", status: node.online ? "online" : "offline" };
      if (node.sslFingerprint) base.ssl_fingerprint = node.sslFingerprint;
      if (!node.online || !hasPrivilege(auth, `/nodes/${node.name}`, "Sys.Audit")) return base;
      const s = nodeStats(core.model, node, now);
      return { ...base, level: "", cpu: s.cpu, maxcpu: s.maxcpu, mem: s.mem, maxmem: s.maxmem, disk: s.disk, maxdisk: s.maxdisk, uptime: s.uptime };
    }),

  "GET /nodes/{node}/status": ({ core, params, now }) => {
    const node = core.model.requireNode(str(params, "node"));
    const s = nodeStats(core.model, node, now);
    return {
      cpu: s.cpu,
      wait: 0.0012,
      idle: 0,
      uptime: s.uptime,
      loadavg: s.loadavg,
      kversion: `${KERNEL.sysname} ${KERNEL.release} ${KERNEL.version}`,
      "current-kernel": KERNEL,
      "boot-info": { mode: "efi", secureboot: 0 },
      pveversion: `pve-manager/${PVE_VERSIONS[core.model.pveVersion].version}/5e4c1a8d2b3f9e07`,
      cpuinfo: { cores: node.cpus / 2, cpus: node.cpus, sockets: 1, model: "AMD EPYC 7302P 16-Core Processor", mhz: "3000.000", hvm: "1", user_hz: 100 },
      memory: { total: s.maxmem, used: s.mem, free: s.maxmem - s.mem, available: s.maxmem - s.mem },
      swap: { total: 8 * 1024 ** 3, used: 0, free: 8 * 1024 ** 3 },
      rootfs: { total: s.maxdisk, used: s.disk, free: s.maxdisk - s.disk, avail: s.maxdisk - s.disk },
      ksm: { shared: 0 },
    };
  },

  "GET /nodes/{node}/time": ({ core, params, now }) => {
    core.model.requireNode(str(params, "node"));
    const time = Math.floor(now);
    return { time, localtime: time + zoneOffsetSeconds(time, core.model.timeZone), timezone: core.model.timeZone };
  },

  "GET /cluster/status": ({ core, contactedNode }) => {
    const { model } = core;
    return [
      { type: "cluster", id: "cluster", name: model.clusterName, nodes: model.nodes.length, version: model.nodes.length + 2, quorate: model.isQuorate() ? 1 : 0 },
      ...model.nodes.map((n) => ({
        type: "node",
        id: `node/${n.name}`,
        name: n.name,
        nodeid: n.nodeid,
        ip: n.ip,
        local: n.name === contactedNode ? 1 : 0,
        online: n.online ? 1 : 0,
        level: "",
      })),
    ];
  },

  "GET /cluster/resources": (ctx) => clusterResources(ctx),

  "GET /cluster/jobs/schedule-analyze": ({ core, params, now }) => {
    const start = optNum(params, "starttime") ?? Math.floor(now);
    const iterations = optNum(params, "iterations") ?? 10;
    return nextEvents(str(params, "schedule"), start, iterations, { timeZone: core.model.timeZone }).map((timestamp) => ({
      timestamp,
      utc: perlGmtime(timestamp),
    }));
  },
};

function clusterResources({ core, auth, params, now }: RouteContext): Record<string, unknown>[] {
  const { model } = core;
  const type = optStr(params, "type");
  const out: Record<string, unknown>[] = [];
  if (!type || type === "node") {
    for (const n of model.nodes) {
      const entry: Record<string, unknown> = { id: `node/${n.name}`, type: "node", node: n.name, status: n.online ? "online" : "offline", level: "", "cgroup-mode": 2 };
      if (n.online) {
        const s = nodeStats(model, n, now);
        Object.assign(entry, { cpu: s.cpu, maxcpu: s.maxcpu, mem: s.mem, maxmem: s.maxmem, disk: s.disk, maxdisk: s.maxdisk, uptime: s.uptime });
      }
      const hastate = core.ha.nodeState(n.name);
      if (hastate) entry.hastate = hastate;
      out.push(entry);
    }
  }
  if (!type || type === "vm") {
    for (const g of [...model.guests.values()].sort((a, b) => a.vmid - b.vmid)) {
      if (!hasPrivilege(auth, `/vms/${g.vmid}`, "VM.Audit")) continue;
      // pmxcfs drops RRD data older than 5 minutes (status.c rrd_entry_is_old): guests of a dead
      // node keep their last status for a while, then show `unknown`.
      const owner = model.node(g.node);
      const stale = !owner?.online && now - (owner?.offlineSince ?? -Infinity) >= 300;
      const entry: Record<string, unknown> = { id: `${g.type}/${g.vmid}`, type: g.type, vmid: g.vmid, node: g.node, name: g.name, template: 0 };
      if (!stale) Object.assign(entry, { status: g.status, ...guestStats(model, g, owner?.offlineSince ?? now) });
      else entry.status = "unknown";
      if (g.tags) entry.tags = g.tags;
      // pve-manager Cluster.pm: the CRM state of the service (HA::Config::get_service_status).
      const sid = `${g.type === "lxc" ? "ct" : "vm"}:${g.vmid}`;
      const ha = model.haResources.get(sid);
      if (ha) entry.hastate = ha.state === "ignored" ? "ignored" : (core.ha.service(sid)?.state ?? "queued");
      if (g.lock) entry.lock = g.lock;
      out.push(entry);
    }
  }
  if (!type || type === "storage") {
    for (const n of model.nodes) {
      for (const storage of model.storagesOn(n.name)) {
        const cfg = model.storageConfig(storage);
        if (!cfg) continue;
        const usage = model.storageUsage(n.name, storage);
        const entry: Record<string, unknown> = {
          id: `storage/${n.name}/${storage}`, type: "storage", storage, node: n.name, plugintype: cfg.type,
          status: n.online ? "available" : "unknown", shared: cfg.shared, content: cfg.content,
        };
        if (n.online) Object.assign(entry, { disk: usage.used, maxdisk: usage.total });
        out.push(entry);
      }
    }
  }
  return out;
}
