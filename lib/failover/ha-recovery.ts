import { placementOf, type HaPlacement, type HaResourceState } from "./ha-state";

/**
 * Where HA would recover a resource if its node died, from its placement alone (the CRM's
 * select_service_node): tiers of candidate nodes, best first. HA uses the first tier with an
 * online node; inside a tier it spreads by load, so any node of the tier may be chosen.
 * - no rule or group: every other node, one tier;
 * - node-affinity rule / group: its nodes by priority, highest first; unless strict (restricted),
 *   every other node as a last tier, used only when none of the listed nodes is online.
 */
export function haRecoveryTiers(resource: HaResourceState, placements: HaPlacement[], clusterNodes: string[], currentNode: string): { tiers: string[][]; placement: HaPlacement | null } {
  const others = clusterNodes.filter((n) => n !== currentNode);
  const placement = placementOf(resource, placements);
  if (!placement) return { tiers: others.length ? [others] : [], placement: null };
  const listed = placement.nodes.filter((n) => n.node !== currentNode && others.includes(n.node));
  const priorities = [...new Set(listed.map((n) => n.priority))].sort((a, b) => b - a);
  const tiers = priorities.map((p) => listed.filter((n) => n.priority === p).map((n) => n.node).sort());
  if (!placement.strict) {
    const rest = others.filter((n) => !listed.some((l) => l.node === n));
    if (rest.length) tiers.push(rest);
  }
  return { tiers, placement };
}

export type FailbackEffect =
  | { kind: "none"; text: string }
  | { kind: "moves-back"; preferred: string[]; text: string; cost: string }
  | { kind: "disabled"; text: string };

/**
 * Whether HA moves a recovered guest back when a node it prefers more returns (`failback`:
 * per resource in PVE 9, `nofailback` per group in PVE 8), and what that costs with replication.
 */
export function haFailbackEffect(resource: HaResourceState, placement: HaPlacement | null, clusterNodes: string[], sid: string): FailbackEffect {
  const failback = placement?.kind === "group" ? (placement.failback ?? true) : resource.failback;
  const top = placement?.nodes.length ? Math.max(...placement.nodes.map((n) => n.priority)) : null;
  // A non-strict rule ranks the nodes it does not list below every listed one.
  const unlisted = placement !== null && !placement.strict && clusterNodes.some((n) => !placement.nodes.some((p) => p.node === n));
  const ranked = placement !== null && top !== null && (unlisted || placement.nodes.some((n) => n.priority < top));
  // Without a ranking (or without a rule) no node is preferred over another: nothing pulls the guest back.
  if (!placement || top === null || !ranked) {
    return { kind: "none", text: `HA prefers no node for ${sid}: after a recovery it stays where HA put it until someone moves it back.` };
  }
  const preferred = placement.nodes.filter((n) => n.priority === top).map((n) => n.node);
  if (!failback) {
    const setting = placement.kind === "group" ? `group ${placement.name} has nofailback set` : "failback is off";
    return { kind: "disabled", text: `After a recovery ${sid} stays on the node HA chose (${setting}); move it back with a switch-over once the replicas are in sync.` };
  }
  return {
    kind: "moves-back",
    preferred,
    text: `When ${preferred.join(" or ")} returns after a failure, HA migrates ${sid} back to it at once (failback).`,
    cost:
      `That migration first replicates back to ${preferred.join("/")}, which rolls its disks back to the last common snapshot: ` +
      `whatever it wrote after its last sync before the failure is discarded without asking, and the move happens while the node has only just rejoined. ` +
      `Turn failback off (or hold it with a rule change) to decide yourself when to go back.`,
  };
}
