import { checkMigrateRequest, migrateGuest } from "../guest-migration";
import { checkPowerRequest, guestWord, powerAction } from "../guest-power";
import type { PowerAction } from "../guest-power";
import type { Guest, GuestType, Task } from "../model-types";
import type { RouteContext, RouteTable, SimCore } from "../route-types";
import { optNum, optStr, str } from "../route-types";
import { startTask } from "../tasks";
import { requireGuestOn } from "./guests";

// Power actions and migration: qemu-server src/PVE/API2/Qemu.pm (vm_start, vm_stop, vm_shutdown,
// migrate_vm_precondition, migrate_vm) and pve-container src/PVE/API2/LXC.pm. HA-managed guests
// get a short hastart/hastop/hamigrate task that only files the request with the CRM; the HA
// resource calls are in ha-resources.ts.

export const guestActionRoutes: RouteTable = {
  "POST /nodes/{node}/qemu/{vmid}/status/start": (ctx) => power(ctx, "qemu", "start"),
  "POST /nodes/{node}/qemu/{vmid}/status/stop": (ctx) => power(ctx, "qemu", "stop"),
  "POST /nodes/{node}/qemu/{vmid}/status/shutdown": (ctx) => power(ctx, "qemu", "shutdown"),
  "POST /nodes/{node}/lxc/{vmid}/status/start": (ctx) => power(ctx, "lxc", "start"),
  "POST /nodes/{node}/lxc/{vmid}/status/stop": (ctx) => power(ctx, "lxc", "stop"),
  "POST /nodes/{node}/lxc/{vmid}/status/shutdown": (ctx) => power(ctx, "lxc", "shutdown"),
  "GET /nodes/{node}/qemu/{vmid}/migrate": (ctx) => preconditions(ctx, "qemu"),
  "GET /nodes/{node}/lxc/{vmid}/migrate": (ctx) => preconditions(ctx, "lxc"),
  "POST /nodes/{node}/qemu/{vmid}/migrate": (ctx) => migrate(ctx, "qemu"),
  "POST /nodes/{node}/lxc/{vmid}/migrate": (ctx) => migrate(ctx, "lxc"),
};

const taskUser = (ctx: RouteContext) => ctx.auth.tokenid ?? ctx.auth.userid;

function power(ctx: RouteContext, type: GuestType, action: PowerAction): string {
  return requestPower(ctx.core, requireGuestOn(ctx.core.model, ctx.params, type), action, taskUser(ctx), ctx.now).upid;
}

/** vm_start/vm_stop/vm_shutdown as the API and `qm`/`pct` run them: HA-managed guests only file a request. */
export function requestPower(core: SimCore, guest: Guest, action: PowerAction, user: string, now: number): Task {
  if (core.ha.isManaged(guest)) {
    const want = action === "start" ? "started" : "stopped";
    checkPowerRequest(core.model, guest, action);
    const task = startTask(core.model, {
      node: guest.node, type: want === "started" ? "hastart" : "hastop", id: String(guest.vmid), user, start: Math.floor(now), duration: 0.4,
      lines: [{ dt: 0.05, msg: `Requesting HA ${want === "started" ? "start" : "stop"} for ${guestWord(guest)} ${guest.vmid}` }],
    });
    core.ha.request(guest, want, now);
    return task;
  }
  return powerAction({ model: core.model, events: core.events }, guest, action, user, now);
}

function migrate(ctx: RouteContext, type: GuestType): string {
  const { core, params, now } = ctx;
  const guest = requireGuestOn(core.model, params, type);
  const target = str(params, "target");
  const opts = {
    target,
    online: params.online === 1,
    restart: params.restart === 1,
    force: params.force === 1,
    // `$authuser ne 'root@pam'`: an API token of root is not root here.
    isRoot: ctx.auth.userid === "root@pam" && ctx.auth.tokenid === undefined,
    withLocalDisks: params["with-local-disks"] === 1,
    bwlimit: optNum(params, "bwlimit"),
    user: taskUser(ctx),
    at: now,
  };
  checkMigrateRequest(core.model, guest, opts);
  if (core.ha.isManaged(guest)) {
    const task = startTask(core.model, {
      node: guest.node, type: "hamigrate", id: String(guest.vmid), user: taskUser(ctx), start: Math.floor(now), duration: 0.4,
      lines: [{ dt: 0.05, msg: `Requesting HA migration for ${guestWord(guest)} ${guest.vmid} to node ${target}` }],
    });
    core.ha.requestMigrate(guest, target, now);
    return task.upid;
  }
  return migrateGuest({ model: core.model, events: core.events }, guest, opts).upid;
}

function preconditions(ctx: RouteContext, type: GuestType): Record<string, unknown> {
  const { core, params } = ctx;
  const { model } = core;
  const guest = requireGuestOn(model, params, type);
  const others = model.nodes.filter((n) => n.name !== guest.node && n.online).map((n) => n.name);
  const wanted = optStr(params, "target");
  const allowed = wanted === undefined ? others : others.filter((n) => n === wanted);
  if (type === "lxc") return { running: guest.status === "running" ? 1 : 0, "allowed-nodes": allowed, "not-allowed-nodes": {} };
  return {
    running: guest.status === "running" ? 1 : 0,
    allowed_nodes: allowed,
    not_allowed_nodes: {},
    local_disks: guest.disks.map((d) => ({ volid: d.volid, size: d.size, cdrom: 0, is_unused: 0 })),
    local_resources: [],
    "mapped-resources": [],
    "mapped-resource-info": {},
    "has-dbus-vmstate": 0,
  };
}
