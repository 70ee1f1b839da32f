import { createHash } from "node:crypto";

import { hasPrivilege } from "../auth";
import type { ClusterModel } from "../cluster";
import { pveDie } from "../errors";
import type { Guest, GuestType } from "../model-types";
import { guestPid } from "../replication-run";
import type { RouteContext, RouteTable } from "../route-types";
import { str } from "../route-types";
import { guestStats } from "../stats";

// Guest lists, configs and current status: qemu-server src/PVE/API2/Qemu.pm and
// pve-container src/PVE/API2/LXC.pm. Power actions and migration are part 2.

const MIB = 1024 ** 2;

export const guestRoutes: RouteTable = {
  "GET /nodes/{node}/qemu": (ctx) => listGuests(ctx, "qemu"),
  "GET /nodes/{node}/lxc": (ctx) => listGuests(ctx, "lxc"),
  "GET /nodes/{node}/qemu/{vmid}/config": ({ core, params }) => guestConfig(core.model, requireGuestOn(core.model, params, "qemu")),
  "GET /nodes/{node}/lxc/{vmid}/config": ({ core, params }) => guestConfig(core.model, requireGuestOn(core.model, params, "lxc")),
  "GET /nodes/{node}/qemu/{vmid}/status/current": (ctx) => currentStatus(ctx, "qemu"),
  "GET /nodes/{node}/lxc/{vmid}/status/current": (ctx) => currentStatus(ctx, "lxc"),
};

function listGuests({ core, auth, params, now }: RouteContext, type: GuestType) {
  const node = str(params, "node");
  return core.model
    .guestsOn(node)
    .filter((g) => g.type === type && hasPrivilege(auth, `/vms/${g.vmid}`, "VM.Audit"))
    .map((g) => summary(core.model, g, now));
}

function currentStatus({ core, params, now }: RouteContext, type: GuestType) {
  const guest = requireGuestOn(core.model, params, type);
  const sid = `${type === "lxc" ? "ct" : "vm"}:${guest.vmid}`;
  const ha = core.model.haResources.get(sid);
  const out = summary(core.model, guest, now);
  out.ha = ha ? { managed: 1, state: ha.state === "ignored" ? "ignored" : (core.ha.service(sid)?.state ?? "queued") } : { managed: 0 };
  if (guest.lock) out.lock = guest.lock;
  if (type === "qemu") {
    out.agent = 1;
    if (guest.status === "running") Object.assign(out, { "running-machine": "pc-q35-10.1+pve1", "running-qemu": "10.1.2" });
  }
  return out;
}

function summary(model: ClusterModel, g: Guest, now: number): Record<string, unknown> {
  const s = guestStats(model, g, now);
  const out: Record<string, unknown> = {
    vmid: g.vmid,
    name: g.name,
    status: g.status,
    uptime: s.uptime,
    cpu: s.cpu,
    cpus: g.cpus,
    mem: s.mem,
    maxmem: s.maxmem,
    disk: s.disk,
    maxdisk: s.maxdisk,
    netin: s.netin,
    netout: s.netout,
    diskread: s.diskread,
    diskwrite: s.diskwrite,
  };
  if (g.type === "lxc") Object.assign(out, { type: "lxc", maxswap: 512 * MIB, swap: 0 });
  else if (g.status === "running") Object.assign(out, { pid: guestPid(model, g), qmpstatus: "running" });
  else out.qmpstatus = "stopped";
  if (g.tags) out.tags = g.tags;
  return out;
}

/** Proxmox answers 500 for a guest whose config is on another node (no 404). */
export function requireGuestOn(model: ClusterModel, params: RouteContext["params"], type: GuestType): Guest {
  const node = str(params, "node");
  const vmid = Number(params.vmid);
  const guest = model.guest(vmid);
  if (!guest || guest.node !== node || guest.type !== type) {
    pveDie(`Configuration file 'nodes/${node}/${type === "qemu" ? "qemu-server" : "lxc"}/${vmid}.conf' does not exist`);
  }
  return guest;
}

export function guestConfig(model: ClusterModel, g: Guest): Record<string, unknown> {
  const mac = macOf(model.seed, g.vmid);
  const disks = Object.fromEntries(
    g.disks.map((d) => {
      const opts = g.type === "qemu" ? `,iothread=1,size=${gib(d.size)}` : `${d.key === "rootfs" ? "" : `,mp=/srv/${d.key}`},size=${gib(d.size)}`;
      return [d.key, `${d.volid}${opts}${d.replicate ? "" : ",replicate=0"}`];
    }),
  );
  const base: Record<string, unknown> =
    g.type === "qemu"
      ? {
          name: g.name, memory: String(g.maxmem / MIB), cores: g.cpus, sockets: 1, cpu: "x86-64-v2-AES", ostype: g.ostype,
          scsihw: "virtio-scsi-single", boot: `order=${g.disks[0]?.key ?? "scsi0"};net0`, agent: "1",
          net0: `virtio=${mac},bridge=vmbr0,firewall=1`, numa: 0,
          smbios1: `uuid=${uuidOf(model.seed, g.vmid)}`, vmgenid: uuidOf(model.seed + 1, g.vmid),
          meta: `creation-qemu=10.1.2,ctime=${Math.floor(g.startedAt)}`,
          ...disks,
        }
      : {
          hostname: g.name, memory: g.maxmem / MIB, swap: 512, cores: g.cpus, ostype: g.ostype, arch: "amd64",
          net0: `name=eth0,bridge=vmbr0,firewall=1,hwaddr=${mac},ip=dhcp,type=veth`, unprivileged: 1, features: "nesting=1",
          ...disks,
        };
  if (g.onboot) base.onboot = 1;
  if (g.startup) base.startup = g.startup;
  if (g.lock) base.lock = g.lock;
  if (g.tags) base.tags = g.tags;
  base.digest = createHash("sha1").update(JSON.stringify(base)).digest("hex");
  return base;
}

function gib(bytes: number): string {
  return `${Math.round(bytes / 1024 ** 3)}G`;
}

function macOf(seed: number, vmid: number): string {
  const h = createHash("md5").update(`${seed}:${vmid}`).digest();
  return ["BC", "24", "11", ...[0, 1, 2].map((i) => (h[i] as number).toString(16).padStart(2, "0").toUpperCase())].join(":");
}

function uuidOf(seed: number, vmid: number): string {
  const h = createHash("md5").update(`uuid:${seed}:${vmid}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
