import { createHash } from "node:crypto";

import { paramError, pveDie } from "../errors";
import { requireCfsQuorum } from "../guest-power";
import type { Guest, HaResource } from "../model-types";
import type { RouteContext, RouteTable } from "../route-types";
import { optNum, optStr, str } from "../route-types";

// HA resources (pve-ha-manager src/PVE/API2/HA/Resources.pm, Config.pm): resources.cfg, and
// migrate/relocate, which only queue a CRM command (`ha-manager crm-command`). There is no task:
// the master picks the command up at its next round and the source node's LRM carries it out.

type State = HaResource["state"];

export const haResourceRoutes: RouteTable = {
  "GET /cluster/ha/resources": ({ core, params }) => {
    const type = optStr(params, "type");
    const digest = haDigest(core);
    return [...core.model.haResources.values()].filter((r) => !type || r.type === type).map((r) => ({ ...r, digest }));
  },

  "GET /cluster/ha/resources/{sid}": (ctx) => {
    const sid = parseSid(ctx).sid;
    const res = ctx.core.model.haResources.get(sid) ?? pveDie(`no such resource '${sid}'`);
    return { ...res, digest: haDigest(ctx.core) };
  },

  "POST /cluster/ha/resources": (ctx) => {
    const { core, params, now } = ctx;
    requireCfsQuorum(core.model);
    const { sid, guest } = parseSid(ctx, true);
    if (optStr(params, "type") && optStr(params, "type") !== sid.split(":")[0]) pveDie("types does not match");
    checkGroup(ctx);
    if (core.model.haResources.has(sid)) pveDie(`resource ID '${sid}' already defined`);
    core.model.haResources.set(sid, { sid, type: guest.type === "lxc" ? "ct" : "vm", state: (optStr(params, "state") ?? "started") as State, ...options(ctx) });
    core.model.touch();
    core.ha.reconcile(guest, now);
    return null;
  },

  "PUT /cluster/ha/resources/{sid}": (ctx) => {
    const { core, params, now } = ctx;
    requireCfsQuorum(core.model);
    const { sid, guest } = parseSid(ctx, true);
    checkGroup(ctx);
    checkServiceState(ctx, sid, optStr(params, "state"));
    const res = core.model.haResources.get(sid) ?? pveDie(`no such resource '${sid}'`);
    const digest = optStr(params, "digest");
    if (digest && digest !== haDigest(core)) pveDie("detected modified configuration - file changed by other user? Try again.");
    const next: HaResource = { ...res, ...options(ctx) };
    if (optStr(params, "state")) next.state = optStr(params, "state") as State;
    for (const key of (optStr(params, "delete") ?? "").split(/[,;\s]+/).filter(Boolean)) {
      if (key === "max_restart" || key === "max_relocate" || key === "failback" || key === "comment" || key === "group") delete next[key];
    }
    core.model.haResources.set(sid, next);
    core.model.touch();
    core.ha.reconcile(guest, now);
    return null;
  },

  "DELETE /cluster/ha/resources/{sid}": (ctx) => {
    const { core, params } = ctx;
    requireCfsQuorum(core.model);
    const { sid } = parseSid(ctx);
    if (!core.model.haResources.has(sid)) pveDie(`cannot delete service '${sid}', not HA managed!`);
    core.model.haResources.delete(sid);
    // purge (default 1): drop it from the rules, and a rule it was the only resource of.
    if (params.purge !== 0) {
      for (const rule of [...core.ha.model.haRules]) {
        rule.resources = rule.resources.filter((r) => r !== sid);
        if (rule.resources.length === 0) core.ha.model.haRules.splice(core.ha.model.haRules.indexOf(rule), 1);
      }
    }
    core.model.touch();
    core.ha.kick(ctx.now);
    return null;
  },

  "POST /cluster/ha/resources/{sid}/migrate": (ctx) => move(ctx, "migrate"),
  "POST /cluster/ha/resources/{sid}/relocate": (ctx) => move(ctx, "relocate"),
};

function options({ params }: RouteContext): Partial<HaResource> {
  const out: Partial<HaResource> = {};
  for (const key of ["max_restart", "max_relocate", "failback"] as const) {
    const v = optNum(params, key);
    if (v !== undefined) out[key] = v;
  }
  const comment = optStr(params, "comment");
  if (comment !== undefined) out.comment = comment;
  const group = optStr(params, "group");
  if (group !== undefined) out.group = group;
  return out;
}

/** PVE 9 refuses `group` (migrated to rules); PVE 8 needs the group to exist and has no `failback`. */
function checkGroup({ core, params }: RouteContext): void {
  const group = optStr(params, "group");
  if (core.model.pveVersion !== 8) {
    if (group) pveDie("invalid parameter 'group': ha groups have been migrated to rules");
    return;
  }
  if (params.failback !== undefined) paramError({ failback: "property is not defined in schema and the schema does not allow additional properties" });
  if (group && !core.model.haGroups.some((g) => g.group === group)) pveDie(`ha group '${group}' does not exist`);
}

function move(ctx: RouteContext, kind: "migrate" | "relocate"): Record<string, unknown> {
  const { core, params, now } = ctx;
  const { sid, guest } = parseSid(ctx);
  const node = str(params, "node");
  if (!core.model.haResources.has(sid) || core.model.haResources.get(sid)?.state === "ignored") pveDie(`resource '${sid}' is not HA managed`);
  checkServiceState(ctx, sid);
  core.ha.requestMove(guest, node, kind, now);
  return { sid, "requested-node": node };
}

/** Resources.pm check_service_state: a service in error state must be disabled first. */
function checkServiceState({ core }: RouteContext, sid: string, requested?: string): void {
  if (core.ha.service(sid)?.state !== "error" || requested === "disabled") return;
  pveDie(`service '${sid}' in error state, must be disabled and fixed first`);
}

/** Config.pm parse_sid: `vm:100`, `ct:101`, or a bare VMID looked up in the VM list. */
export function parseSid(ctx: RouteContext, mustExist = false): { sid: string; guest: Guest } {
  const raw = str(ctx.params, "sid");
  const { model } = ctx.core;
  let sid = raw;
  if (/^\d+$/.test(raw)) {
    const g = model.guest(Number(raw)) ?? pveDie(`unable to detect SID from VMID - VM/CT ${raw} does not exist`);
    sid = `${g.type === "lxc" ? "ct" : "vm"}:${raw}`;
  }
  const m = /^(vm|ct):(\d+)$/.exec(sid) ?? pveDie(`unable to parse service id '${sid}'`);
  const guest = model.guest(Number(m[2]));
  if (!guest || (guest.type === "lxc") !== (m[1] === "ct")) {
    if (mustExist || !model.haResources.has(sid)) pveDie(`${m[1] === "ct" ? "CT" : "VM"} ${m[2]} does not exist`);
  }
  return { sid, guest: guest as Guest };
}

/** SHA-1 of resources.cfg, like SectionConfig digests. */
function haDigest(core: RouteContext["core"]): string {
  return createHash("sha1").update(JSON.stringify([...core.model.haResources.values()])).digest("hex");
}
