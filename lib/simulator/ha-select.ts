import type { HaManager, ServiceConfig } from "./ha";
import { nodeAffinityRuleOf } from "./pve8";

// Manager.pm select_service_node with the `basic` scheduler (Usage/Basic.pm: a node's score is
// the number of services on it, HA or not) and Rules/NodeAffinity.pm get_node_affinity (PVE 8:
// the resource's group, read as the rule PVE 9 migrates it to; see pve8.ts).

type Preference = "none" | "best-score" | "try-next";

export function selectServiceNode(ha: HaManager, sid: string, cd: ServiceConfig, preference: Preference): string | undefined {
  const sd = ha.ms.service_status[sid];
  const current = sd?.node ?? cd.node;
  // Without a rule every online node is allowed and preferred: a service stays where it is.
  const hasRule = nodeAffinityRuleOf(ha.model, sid) !== undefined;
  if (!hasRule && preference === "none" && ha.ms.node_status[current] === "online") return current;
  const online = Object.entries(ha.ms.node_status).filter(([, s]) => s === "online").map(([n]) => n);
  const { allowed, preferred } = nodeAffinity(ha, sid, online);
  if (preferred.size === 0) return undefined;
  // failback=0: stay where it is as long as the rules allow it.
  if (preference === "none" && !cd.failback && allowed.has(current)) return current;
  if (preference === "try-next") for (const n of sd?.failed_nodes ?? []) preferred.delete(n);
  if (preference === "none" && preferred.has(current)) return current;
  const scores = usage(ha, online);
  const nodes = [...preferred].sort((a, b) => (scores.get(a) ?? 0) - (scores.get(b) ?? 0) || (a < b ? -1 : 1));
  if (preference === "try-next") {
    const found = nodes.indexOf(current);
    return found >= 0 && found < nodes.length - 1 ? nodes[found + 1] : nodes[0];
  }
  return nodes[0];
}

/** The allowed nodes and the online nodes of the highest priority; a non-strict rule adds every other node at priority -1. */
export function nodeAffinity(ha: HaManager, sid: string, online: string[]): { allowed: Set<string>; preferred: Set<string> } {
  const rule = nodeAffinityRuleOf(ha.model, sid);
  if (!rule) return { allowed: new Set(online), preferred: new Set(online) };
  const effective = new Map(rule.nodes.map((n) => [n.node, n.priority ?? 0]));
  if (!rule.strict) for (const n of ha.model.nodes) if (!effective.has(n.name)) effective.set(n.name, -1);
  const allowed = new Set([...effective.keys()].filter((n) => online.includes(n)));
  if (allowed.size === 0) return { allowed, preferred: new Set() };
  const top = Math.max(...[...allowed].map((n) => effective.get(n) as number));
  return { allowed, preferred: new Set([...allowed].filter((n) => effective.get(n) === top)) };
}

/** Usage/Basic.pm with get_used_service_nodes: HA services by CRM state, other guests when running. */
function usage(ha: HaManager, online: string[]): Map<string, number> {
  const count = new Map(online.map((n) => [n, 0]));
  const add = (node: string | undefined) => {
    if (node !== undefined && count.has(node)) count.set(node, (count.get(node) as number) + 1);
  };
  for (const sd of Object.values(ha.ms.service_status)) {
    if (sd.state === "stopped" || sd.state === "request_start") continue;
    if (sd.state !== "request_start_balance") add(sd.node);
    if (sd.state === "migrate" || sd.state === "relocate" || sd.state === "request_start_balance") add(sd.target);
  }
  for (const guest of ha.model.guests.values()) {
    const sid = `${guest.type === "lxc" ? "ct" : "vm"}:${guest.vmid}`;
    if (!ha.ms.service_status[sid] && guest.status === "running") add(guest.node);
  }
  return count;
}
