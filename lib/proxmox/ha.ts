import { z } from "zod";

import type { ProxmoxClient } from "./client";
import { assertHaSid, assertNodeName, pvePath } from "./params";
import type { PveResult } from "./response";
import { emptySchema, haResourceSchema, haStatusEntrySchema } from "./schemas";
import type { HaResource, HaStatusEntry } from "./schemas";

type CallOptions = { signal?: AbortSignal };

/** HA-managed guests (`sid` like `vm:100`); such guests must fail over through HA, never by hand. */
export function listHaResources(
  client: ProxmoxClient,
  options: CallOptions & { type?: "vm" | "ct" } = {},
): Promise<PveResult<HaResource[]>> {
  const { type, ...rest } = options;
  return client.call({ method: "GET", path: pvePath`/cluster/ha/resources`, params: { type }, schema: z.array(haResourceSchema), ...rest });
}

/** CRM view: quorum, master, per-node LRM and per-service state (fence → recovery → started). */
export function getHaStatus(client: ProxmoxClient, options: CallOptions = {}): Promise<PveResult<HaStatusEntry[]>> {
  return client.call({ method: "GET", path: pvePath`/cluster/ha/status/current`, schema: z.array(haStatusEntrySchema), ...options });
}

export const haMoveResultSchema = z.object({
  sid: z.string(),
  "requested-node": z.string(),
  "comigrated-resources": z.array(z.string()).optional(),
  "blocking-resources": z.array(z.object({ sid: z.string(), cause: z.string() })).optional(),
});
export type HaMoveResult = z.infer<typeof haMoveResultSchema>;

/**
 * Queues an HA move: `migrate` is online, `relocate` stops on the old node and starts on the new
 * one. The CRM executes it later; watch getHaStatus for completion (needs Sys.Console on /).
 */
export async function moveHaResource(
  client: ProxmoxClient,
  sid: string,
  node: string,
  mode: "migrate" | "relocate",
  options: CallOptions = {},
): Promise<HaMoveResult> {
  const id = assertHaSid(sid);
  const path = mode === "migrate" ? pvePath`/cluster/ha/resources/${id}/migrate` : pvePath`/cluster/ha/resources/${id}/relocate`;
  return (await client.call({ method: "POST", path, params: { node: assertNodeName(node) }, schema: haMoveResultSchema, ...options })).data;
}

/** Settable HA resource properties (PUT /cluster/ha/resources/{sid}); `failback` is PVE 9's per-resource flag. */
export type HaResourceChanges = { failback?: boolean; state?: string; comment?: string; delete?: string[]; digest?: string };

/** Changes one HA resource (Sys.Console on /); the CRM picks the change up in its next round. */
export async function updateHaResource(client: ProxmoxClient, sid: string, changes: HaResourceChanges, options: CallOptions = {}): Promise<void> {
  const { delete: del, ...rest } = changes;
  const params = { ...rest, delete: del?.length ? del.join(",") : undefined };
  await client.call({ method: "PUT", path: pvePath`/cluster/ha/resources/${assertHaSid(sid)}`, params, schema: emptySchema, ...options });
}
