import { createHash } from "node:crypto";

import { pveDie } from "../errors";
import type { HaGroup } from "../model-types";
import type { RouteContext, RouteTable } from "../route-types";
import { optStr, str } from "../route-types";

// HA groups (pve-ha-manager src/PVE/API2/HA/Groups.pm). PVE 8 lists and edits them; a PVE 9
// cluster has its groups migrated to rules, so the calls die as they do there.

const MIGRATED = "ha groups have been migrated to rules";

export const haGroupRoutes: RouteTable = {
  "GET /cluster/ha/groups": (ctx) => {
    if (ctx.core.model.pveVersion !== 8) pveDie(`cannot index groups: ${MIGRATED}`);
    return ctx.core.model.haGroups.map((g) => groupView(ctx, g));
  },

  "GET /cluster/ha/groups/{group}": (ctx) => {
    if (ctx.core.model.pveVersion !== 8) pveDie(`cannot read group: ${MIGRATED}`);
    return groupView(ctx, findGroup(ctx));
  },

  "PUT /cluster/ha/groups/{group}": (ctx) => {
    const { core, params } = ctx;
    if (core.model.pveVersion !== 8) pveDie(`cannot update group: ${MIGRATED}`);
    if (!core.model.isQuorate()) pveDie("cfs-lock 'domain-ha' error: no quorum!");
    const group = findGroup(ctx);
    const digest = optStr(params, "digest");
    if (digest && digest !== groupsDigest(ctx)) pveDie("detected modified configuration - file changed by other user? Try again.");
    const next: HaGroup = { ...group };
    const nodes = optStr(params, "nodes");
    if (nodes !== undefined) next.nodes = parseNodes(ctx, nodes);
    if (params.restricted !== undefined) next.restricted = params.restricted === 1;
    if (params.nofailback !== undefined) next.nofailback = params.nofailback === 1;
    const comment = optStr(params, "comment");
    if (comment !== undefined) next.comment = comment;
    for (const key of (optStr(params, "delete") ?? "").split(/[,;\s]+/).filter(Boolean)) {
      if (key === "restricted" || key === "nofailback" || key === "comment") delete next[key];
    }
    core.model.haGroups.splice(core.model.haGroups.indexOf(group), 1, next);
    core.model.touch();
    core.ha.kick(ctx.now);
    return null;
  },
};

function findGroup({ core, params }: RouteContext): HaGroup {
  const id = str(params, "group");
  return core.model.haGroups.find((g) => g.group === id) ?? pveDie(`no such ha group '${id}'`);
}

function parseNodes({ core }: RouteContext, text: string): HaGroup["nodes"] {
  const nodes = text.split(",").map((entry) => {
    const [node, pri] = entry.trim().split(":");
    return pri === undefined ? { node: node as string } : { node: node as string, priority: Number(pri) };
  });
  const missing = nodes.filter((n) => !core.model.node(n.node)).map((n) => n.node);
  if (missing.length) pveDie(`cannot use non-existent node(s) ${missing.join(", ")}.`);
  return nodes;
}

/** Groups.pm $api_copy_config: the section's properties, `nodes` as `<node>[:<prio>]` joined by commas. */
function groupView(ctx: RouteContext, g: HaGroup): Record<string, unknown> {
  const out: Record<string, unknown> = { group: g.group, type: "group", nodes: g.nodes.map((n) => (n.priority === undefined ? n.node : `${n.node}:${n.priority}`)).join(",") };
  if (g.restricted) out.restricted = 1;
  if (g.nofailback) out.nofailback = 1;
  if (g.comment !== undefined) out.comment = g.comment;
  out.digest = groupsDigest(ctx);
  return out;
}

function groupsDigest({ core }: RouteContext): string {
  return createHash("sha1").update(JSON.stringify(core.model.haGroups)).digest("hex");
}
