import { z } from "zod";

// HA as stored by the poller (HaState's JSON columns) and read by readiness and the Failover
// page. Pure and client-safe; parsing never throws: a damaged column reads as empty.

export const haResourceStateSchema = z.object({
  sid: z.string(),
  vmid: z.number().int(),
  /** The requested state (`started`, `stopped`, `disabled`, `ignored`, …). */
  state: z.string(),
  /** PVE 9 per-resource failback (default on); PVE 8 keeps it on the group (`nofailback`). */
  failback: z.boolean(),
  group: z.string().nullable(),
  maxRestart: z.number().nullable(),
  maxRelocate: z.number().nullable(),
  /** The CRM's state of the service (Manager.pm $valid_service_states) and its node, when known. */
  crmState: z.string().nullable(),
  node: z.string().nullable(),
});
export type HaResourceState = z.infer<typeof haResourceStateSchema>;

/** Where HA may place a resource: a PVE 9 node-affinity rule or a PVE 8 group. */
export const haPlacementSchema = z.object({
  name: z.string(),
  kind: z.enum(["node-affinity", "group"]),
  /** The rule's resources; null for a group (a resource names its group). */
  resources: z.array(z.string()).nullable(),
  nodes: z.array(z.object({ node: z.string(), priority: z.number() })),
  /** strict rule / restricted group: never on any other node. */
  strict: z.boolean(),
  /** A group's `nofailback` inverted; null for rules (failback is per resource in PVE 9). */
  failback: z.boolean().nullable(),
  disabled: z.boolean(),
});
export type HaPlacement = z.infer<typeof haPlacementSchema>;

export const haLrmSchema = z.object({ node: z.string(), mode: z.string(), timestamp: z.number().nullable() });
export type HaLrm = z.infer<typeof haLrmSchema>;

export function parseHaResources(text: string | null | undefined): HaResourceState[] {
  return parseList(text, haResourceStateSchema);
}

export function parseHaPlacement(text: string | null | undefined): HaPlacement[] {
  return parseList(text, haPlacementSchema);
}

export function parseHaLrm(text: string | null | undefined): HaLrm[] {
  return parseList(text, haLrmSchema);
}

function parseList<T>(text: string | null | undefined, schema: z.ZodType<T>): T[] {
  if (!text) return [];
  try {
    return z.array(schema).catch([]).parse(JSON.parse(text));
  } catch {
    return [];
  }
}

/** `vm:100` / `ct:102` for a guest (pve-ha-manager resource ids). */
export function haSidOf(type: string, vmid: number): string {
  return `${type === "lxc" ? "ct" : "vm"}:${vmid}`;
}

/** The placement that governs a resource: its enabled node-affinity rule, or its group. */
export function placementOf(resource: HaResourceState, placements: HaPlacement[]): HaPlacement | null {
  return (
    placements.find((p) => p.kind === "node-affinity" && !p.disabled && p.resources?.includes(resource.sid)) ??
    (resource.group ? (placements.find((p) => p.kind === "group" && p.name === resource.group) ?? null) : null)
  );
}
