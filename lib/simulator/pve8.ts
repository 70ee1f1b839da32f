import type { ClusterModel } from "./cluster";
import { PveApiError } from "./errors";
import type { HaResource, NodeAffinityRule } from "./model-types";

// PVE 8 (pve-ha-manager 4.x): no HA rules; a resource names an HA group (/etc/pve/ha/groups.cfg)
// with `nodes` `<node>[:<prio>]`, `restricted` (only the group's nodes) and `nofailback`. PVE 9
// migrates each group to a node-affinity rule (restricted → strict, nofailback → the resource's
// failback=0); a PVE 8 simulator is the inverse of that migration, and its placement reads a
// group as the rule it would become, so one selection (ha-select.ts) serves both versions.

export type PveMajor = 8 | 9;

/** What `/version` reports per major version. */
export const PVE_VERSIONS: Record<PveMajor, { version: string; release: string }> = {
  8: { version: "8.4.1", release: "8.4" },
  9: { version: "9.1.3", release: "9.1" },
};

/** Turns the scenario's node-affinity rules into groups, as a PVE 8 cluster would hold them. */
export function downgradeToPve8(model: ClusterModel): void {
  model.pveVersion = 8;
  for (const rule of model.haRules) {
    if (rule.type !== "node-affinity") continue;
    const nofailback = rule.resources.some((sid) => model.haResources.get(sid)?.failback === 0);
    model.haGroups.push({ group: rule.rule, nodes: rule.nodes, ...(rule.strict ? { restricted: true } : {}), ...(nofailback ? { nofailback: true } : {}), ...(rule.comment ? { comment: rule.comment } : {}) });
    for (const sid of rule.resources) {
      const res = model.haResources.get(sid);
      if (res && !res.group) res.group = rule.rule;
    }
  }
  model.haRules.splice(0, model.haRules.length);
  // `failback` is a PVE 9 resource property; PVE 8 has it on the group as `nofailback`.
  for (const res of model.haResources.values()) delete res.failback;
}

/** The node-affinity a resource is under: its rule (PVE 9) or its group read as that rule (PVE 8). */
export function nodeAffinityRuleOf(model: ClusterModel, sid: string): NodeAffinityRule | undefined {
  if (model.pveVersion === 8) {
    const name = model.haResources.get(sid)?.group;
    const group = name ? model.haGroups.find((g) => g.group === name) : undefined;
    return group ? { rule: group.group, type: "node-affinity", resources: [sid], nodes: group.nodes, strict: group.restricted ?? false } : undefined;
  }
  return model.haRules.find((r): r is NodeAffinityRule => r.type === "node-affinity" && !r.disable && r.resources.includes(sid));
}

/** Whether HA moves the resource back to a higher-priority node: PVE 9 per resource, PVE 8 per group. */
export function failbackOf(model: ClusterModel, res: HaResource): boolean {
  if (model.pveVersion === 8) return !(res.group && model.haGroups.find((g) => g.group === res.group)?.nofailback);
  return (res.failback ?? 1) === 1;
}

/** A path PVE 8 does not have: its API server answers 501 as for any unknown method. */
export function notOnPve8(model: ClusterModel, method: string, path: string): void {
  if (model.pveVersion === 8) throw new PveApiError(501, `Method '${method} /api2/json${path}' not implemented`);
}
