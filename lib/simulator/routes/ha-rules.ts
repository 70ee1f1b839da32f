import { createHash } from "node:crypto";

import { paramError, pveDie } from "../errors";
import type { HaRule } from "../model-types";
import { notOnPve8 } from "../pve8";
import type { RouteContext, RouteTable } from "../route-types";
import { optStr, str } from "../route-types";
import { haGroupRoutes } from "./ha-groups";

// HA rules (pve-ha-manager src/PVE/API2/HA/Rules.pm, PVE 9; a PVE 8 simulator has no such
// path and answers 501, see pve8.ts) and the groups (ha-groups.ts). Node-affinity rules steer recovery and failback (ha-select.ts); resource-
// affinity rules are stored and listed but do not influence the simulated placement.

export const haRuleRoutes: RouteTable = {
  "GET /cluster/ha/rules": (ctx) => {
    notOnPve8(ctx.core.model, "GET", "/cluster/ha/rules");
    const resource = optStr(ctx.params, "resource");
    const type = optStr(ctx.params, "type");
    return ctx.core.ha.model.haRules
      .filter((r) => (!resource || r.resources.includes(resource)) && (!type || r.type === type))
      .map((r) => ruleView(ctx, r));
  },

  "GET /cluster/ha/rules/{rule}": (ctx) => ruleView(ctx, findRule(ctx)),

  "POST /cluster/ha/rules": (ctx) => {
    const { core, params } = ctx;
    notOnPve8(core.model, "POST", "/cluster/ha/rules");
    if (!core.model.isQuorate()) pveDie("cfs-lock 'domain-ha' error: no quorum!");
    const id = str(params, "rule");
    if (core.ha.model.haRules.some((r) => r.rule === id)) pveDie(`HA rule '${id}' already defined`);
    core.ha.model.haRules.push(parseRule(ctx, id, str(params, "type") as HaRule["type"]));
    core.model.touch();
    core.ha.kick(ctx.now);
    return null;
  },

  "PUT /cluster/ha/rules/{rule}": (ctx) => {
    const { core, params } = ctx;
    notOnPve8(core.model, "PUT", `/cluster/ha/rules/${str(params, "rule")}`);
    if (!core.model.isQuorate()) pveDie("cfs-lock 'domain-ha' error: no quorum!");
    const old = findRule(ctx, `HA rule '${str(params, "rule")}' does not exist`);
    if (str(params, "type") !== old.type) pveDie("rule type cannot be changed");
    const digest = optStr(params, "digest");
    if (digest && digest !== rulesDigest(ctx)) pveDie("detected modified configuration - file changed by other user? Try again.");
    const merged: Record<string, unknown> = { ...serialize(old), ...params };
    for (const key of (optStr(params, "delete") ?? "").split(/[,;\s]+/).filter(Boolean)) delete merged[key];
    const updated = parseRule({ ...ctx, params: merged as RouteContext["params"] }, old.rule, old.type);
    core.ha.model.haRules.splice(core.ha.model.haRules.indexOf(old), 1, updated);
    core.model.touch();
    core.ha.kick(ctx.now);
    return null;
  },

  "DELETE /cluster/ha/rules/{rule}": (ctx) => {
    notOnPve8(ctx.core.model, "DELETE", `/cluster/ha/rules/${str(ctx.params, "rule")}`);
    const rule = findRule(ctx);
    ctx.core.ha.model.haRules.splice(ctx.core.ha.model.haRules.indexOf(rule), 1);
    ctx.core.model.touch();
    ctx.core.ha.kick(ctx.now);
    return null;
  },

  ...haGroupRoutes,
};

function findRule({ core, params }: RouteContext, missing?: string): HaRule {
  const id = str(params, "rule");
  notOnPve8(core.model, "GET", `/cluster/ha/rules/${id}`);
  return core.ha.model.haRules.find((r) => r.rule === id) ?? pveDie(missing ?? `no such ha rule '${id}'`);
}

/** `$assert_valid_resources_param` / `$assert_valid_nodes_param` and the rule's properties. */
function parseRule({ core, params }: RouteContext, rule: string, type: HaRule["type"]): HaRule {
  const resources = (optStr(params, "resources") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (resources.length === 0) pveDie("no resources were specified");
  const unmanaged = resources.filter((sid) => !core.model.haResources.has(sid));
  if (unmanaged.length) pveDie(`cannot use unmanaged resource(s) ${unmanaged.join(", ")}.`);
  const common = {
    rule, resources,
    ...(params.disable !== undefined ? { disable: params.disable === 1 } : {}),
    ...(optStr(params, "comment") !== undefined ? { comment: optStr(params, "comment") } : {}),
  };
  if (type === "resource-affinity") {
    const affinity = optStr(params, "affinity");
    if (affinity !== "positive" && affinity !== "negative") paramError({ affinity: "property is missing and it is not optional" });
    return { ...common, type, affinity };
  }
  const nodesText = optStr(params, "nodes");
  if (!nodesText) paramError({ nodes: "property is missing and it is not optional" });
  const nodes = nodesText.split(",").map((entry) => {
    const [node, pri] = entry.trim().split(":");
    return pri === undefined ? { node: node as string } : { node: node as string, priority: Number(pri) };
  });
  const missing = nodes.filter((n) => !core.model.node(n.node)).map((n) => n.node);
  if (missing.length) pveDie(`cannot use non-existent node(s) ${missing.join(", ")}.`);
  return { ...common, type, nodes, ...(params.strict !== undefined ? { strict: params.strict === 1 } : {}) };
}

/** The rule's properties as they are stored in rules.cfg (and sent back by GET). */
function serialize(r: HaRule): Record<string, unknown> {
  const out: Record<string, unknown> = { type: r.type, resources: r.resources.join(",") };
  if (r.type === "node-affinity") {
    out.nodes = r.nodes.map((n) => (n.priority === undefined ? n.node : `${n.node}:${n.priority}`)).join(",");
    if (r.strict !== undefined) out.strict = r.strict ? 1 : 0;
  } else out.affinity = r.affinity;
  if (r.disable !== undefined) out.disable = r.disable ? 1 : 0;
  if (r.comment !== undefined) out.comment = r.comment;
  return out;
}

function ruleView(ctx: RouteContext, r: HaRule): Record<string, unknown> {
  return { rule: r.rule, ...serialize(r), digest: rulesDigest(ctx), order: ctx.core.ha.model.haRules.indexOf(r) + 1 };
}

function rulesDigest({ core }: RouteContext): string {
  return createHash("sha1").update(JSON.stringify(core.ha.model.haRules.map(serialize))).digest("hex");
}
