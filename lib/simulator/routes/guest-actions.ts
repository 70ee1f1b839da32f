import type { ClusterModel } from "../cluster";
import { pveDie } from "../errors";
import { checkMigrateRequest, migrateGuest } from "../guest-migration";
import { checkPowerRequest, guestWord, haSid, powerAction, requireCfsQuorum } from "../guest-power";
import type { PowerAction } from "../guest-power";
import type { Guest, GuestType } from "../model-types";
import type { RouteContext, RouteTable } from "../route-types";
import { optNum, optStr, str } from "../route-types";
import { startTask } from "../tasks";

// Power actions and migration: qemu-server src/PVE/API2/Qemu.pm (vm_start, vm_stop, vm_shutdown,
// migrate_vm_precondition, migrate_vm) and pve-container src/PVE/API2/LXC.pm. HA-managed guests
// get a short hastart/hastop/hamigrate task that only files the request with the CRM.

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
  "POST /cluster/ha/resources": (ctx) => haAdd(ctx),
  "DELETE /cluster/ha/resources/{sid}": (ctx) => haDelete(ctx),
  "POST /cluster/ha/resources/{sid}/migrate": (ctx) => haMove(ctx),
  "POST /cluster/ha/resources/{sid}/relocate": (ctx) => haMove(ctx),
};

export function requireGuestOn(model: ClusterModel, params: RouteContext["params"], type: GuestType): Guest {
  const node = str(params, "node");
  const vmid = Number(params.vmid);
  const guest = model.guest(vmid);
  if (!guest || guest.node !== node || guest.type !== type) {
    pveDie(`Configuration file 'nodes/${node}/${type === "qemu" ? "qemu-server" : "lxc"}/${vmid}.conf' does not exist`);
  }
  return guest;
}

const taskUser = (ctx: RouteContext) => ctx.auth.tokenid ?? ctx.auth.userid;

function power(ctx: RouteContext, type: GuestType, action: PowerAction): string {
  const { core, now } = ctx;
  const guest = requireGuestOn(core.model, ctx.params, type);
  if (core.ha.isManaged(guest)) {
    const want = action === "start" ? "started" : "stopped";
    checkPowerRequest(core.model, guest, action);
    const task = startTask(core.model, {
      node: guest.node, type: want === "started" ? "hastart" : "hastop", id: String(guest.vmid), user: taskUser(ctx), start: Math.floor(now), duration: 0.4,
      lines: [{ dt: 0.05, msg: `Requesting HA ${want === "started" ? "start" : "stop"} for ${guestWord(guest)} ${guest.vmid}` }],
    });
    core.ha.request(guest, want, now);
    return task.upid;
  }
  return powerAction({ model: core.model, events: core.events }, guest, action, taskUser(ctx), now).upid;
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

function haMove(ctx: RouteContext): Record<string, unknown> {
  const { core, params, now } = ctx;
  const raw = str(params, "sid");
  const sid = /^\d+$/.test(raw) ? `${core.model.guest(Number(raw))?.type === "lxc" ? "ct" : "vm"}:${raw}` : raw;
  if (!core.model.haResources.has(sid)) pveDie(`resource '${sid}' is not HA managed`);
  if (core.ha.service(sid)?.state === "error") pveDie(`service '${sid}' in error state, must be disabled and fixed first`);
  const guest = core.model.guest(Number(sid.split(":")[1])) ?? pveDie(`no such resource '${sid}'`);
  const node = str(params, "node");
  if (!core.model.node(node)) pveDie(`no such cluster node '${node}'`);
  if (haSid(guest) !== sid) pveDie(`no such resource '${sid}'`);
  core.ha.requestMigrate(guest, node, now);
  return { sid, "requested-node": node };
}

/** `parse_sid`: `vm:100`, `ct:101`, or a bare VMID looked up in the VM list. */
function parseSid(ctx: RouteContext): { sid: string; guest: Guest } {
  const raw = str(ctx.params, "sid");
  const { model } = ctx.core;
  let sid = raw;
  if (/^\d+$/.test(raw)) {
    const g = model.guest(Number(raw)) ?? pveDie(`unable to detect SID from VMID - VM/CT ${raw} does not exist`);
    sid = `${g.type === "lxc" ? "ct" : "vm"}:${raw}`;
  }
  const m = /^(vm|ct):(\d+)$/.exec(sid) ?? pveDie(`unable to parse service id '${sid}'`);
  const guest = model.guest(Number(m[2]));
  if (!guest || (guest.type === "lxc") !== (m[1] === "ct")) pveDie(`${m[1] === "ct" ? "CT" : "VM"} ${m[2]} does not exist`);
  return { sid, guest };
}

function haAdd(ctx: RouteContext): null {
  const { core, params, now } = ctx;
  requireCfsQuorum(core.model);
  const { sid, guest } = parseSid(ctx);
  if (core.model.haResources.has(sid)) pveDie(`resource ID '${sid}' already defined`);
  const state = (optStr(params, "state") ?? "started") as "started" | "stopped" | "enabled" | "disabled" | "ignored";
  core.model.haResources.set(sid, {
    sid, type: guest.type === "lxc" ? "ct" : "vm", state,
    ...(optNum(params, "max_restart") !== undefined ? { max_restart: optNum(params, "max_restart") } : {}),
    ...(optNum(params, "max_relocate") !== undefined ? { max_relocate: optNum(params, "max_relocate") } : {}),
    ...(optStr(params, "comment") !== undefined ? { comment: optStr(params, "comment") } : {}),
  });
  core.model.touch();
  // The CRM picks the new service up at its next round and brings it to the requested state.
  if (state !== "ignored") core.ha.reconcile(guest, now);
  return null;
}

function haDelete(ctx: RouteContext): null {
  const { core } = ctx;
  requireCfsQuorum(core.model);
  const { sid } = parseSid(ctx);
  if (!core.model.haResources.has(sid)) pveDie(`cannot delete service '${sid}', not HA managed!`);
  core.model.haResources.delete(sid);
  core.ha.services.delete(sid);
  core.model.touch();
  return null;
}
