import { paramError, pveDie } from "../errors";
import type { NodeAffinityRule } from "../ha";
import type { RouteTable } from "../route-types";
import { optStr, str } from "../route-types";

// HA node-affinity rules (pve-ha-manager src/PVE/API2/HA/Rules.pm, PVE 9): the CRM recovers a
// service to the online nodes of its rule with the highest priority. Resource-affinity rules
// are not simulated.

export const haRuleRoutes: RouteTable = {
  "GET /cluster/ha/rules": ({ core, params }) => {
    const resource = optStr(params, "resource");
    return core.ha.rules
      .filter((r) => !resource || r.resources.includes(resource))
      .map((r) => ({
        rule: r.rule, type: "node-affinity", resources: r.resources.join(","), nodes: r.nodes.map((n) => `${n.node}:${n.priority}`).join(","), strict: r.strict ? 1 : 0,
      }));
  },

  "POST /cluster/ha/rules": ({ core, params }) => {
    if (!core.model.isQuorate()) pveDie("cfs-lock 'file-ha_rules_cfg' error: no quorum!");
    const rule = str(params, "rule");
    if (str(params, "type") !== "node-affinity") pveDie("resource-affinity rules are not simulated");
    if (core.ha.rules.some((r) => r.rule === rule)) pveDie(`rule '${rule}' already defined`);
    const nodesText = optStr(params, "nodes");
    if (!nodesText) paramError({ nodes: "property is missing and it is not optional" });
    const nodes = nodesText.split(",").map((entry) => {
      const [node, pri] = entry.split(":");
      if (!node || !core.model.node(node)) paramError({ nodes: `invalid format - unknown node '${node}'` });
      return { node, priority: pri === undefined ? 0 : Number(pri) };
    });
    const parsed: NodeAffinityRule = { rule, resources: str(params, "resources").split(","), nodes, strict: params.strict === 1 };
    core.ha.rules.push(parsed);
    return null;
  },

  "DELETE /cluster/ha/rules/{rule}": ({ core, params }) => {
    const i = core.ha.rules.findIndex((r) => r.rule === str(params, "rule"));
    if (i < 0) pveDie(`no such rule '${str(params, "rule")}'`);
    core.ha.rules.splice(i, 1);
    return null;
  },
};
