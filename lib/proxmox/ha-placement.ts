import { z } from "zod";

import type { ProxmoxClient } from "./client";
import { pvePath } from "./params";
import type { PveResult } from "./response";
import { pveBooleanSchema } from "./schemas";

type CallOptions = { signal?: AbortSignal };

/**
 * `GET /cluster/ha/rules` (PVE 9, pve-ha-manager API2/HA/Rules.pm): node-affinity rules say on
 * which nodes HA may run (and recover) a resource, resource-affinity rules keep resources
 * together or apart. Lists are comma-separated strings on the wire.
 */
export const haRuleSchema = z.object({
  rule: z.string(),
  type: z.string(),
  resources: z.string().optional(),
  nodes: z.string().optional(),
  strict: pveBooleanSchema.optional(),
  affinity: z.string().optional(),
  disable: pveBooleanSchema.optional(),
  comment: z.string().optional(),
  digest: z.string().optional(),
});
export type HaRule = z.infer<typeof haRuleSchema>;

/**
 * `GET /cluster/ha/groups` (PVE 8; deprecated in PVE 9 in favour of rules): a resource names its
 * group; `restricted` keeps it on the group's nodes, `nofailback` stops the move back to a
 * higher-priority node.
 */
export const haGroupSchema = z.object({
  group: z.string(),
  type: z.string().optional(),
  nodes: z.string().optional(),
  restricted: pveBooleanSchema.optional(),
  nofailback: pveBooleanSchema.optional(),
  comment: z.string().optional(),
  digest: z.string().optional(),
});
export type HaGroup = z.infer<typeof haGroupSchema>;

export function listHaRules(client: ProxmoxClient, options: CallOptions = {}): Promise<PveResult<HaRule[]>> {
  return client.call({ method: "GET", path: pvePath`/cluster/ha/rules`, schema: z.array(haRuleSchema), ...options });
}

export function listHaGroups(client: ProxmoxClient, options: CallOptions = {}): Promise<PveResult<HaGroup[]>> {
  return client.call({ method: "GET", path: pvePath`/cluster/ha/groups`, schema: z.array(haGroupSchema), ...options });
}

/** `<node>[:<pri>]{,<node>[:<pri>]}*` (pve-ha-node-list); a node without a priority has 0. */
export function parseHaNodeList(text: string | undefined): { node: string; priority: number }[] {
  if (!text) return [];
  return text
    .split(/[,;\s]+/)
    .filter(Boolean)
    .map((entry) => {
      const [node = "", pri] = entry.split(":");
      const priority = pri === undefined ? 0 : Number(pri);
      return { node, priority: Number.isFinite(priority) ? priority : 0 };
    })
    .filter((n) => n.node !== "");
}
