import { z } from "zod";

import type { ProxmoxClient } from "./client";
import { assertNodeName, assertVmid, pvePath } from "./params";
import type { PveResult } from "./response";
import { pveBooleanSchema, pveIntegerSchema, pveNumberSchema, upidSchema } from "./schemas";

type CallOptions = { signal?: AbortSignal };
export type GuestType = "qemu" | "lxc";

export const guestStatusSchema = z.object({
  vmid: pveIntegerSchema,
  status: z.string(),
  name: z.string().optional(),
  lock: z.string().optional(),
  uptime: pveNumberSchema.optional(),
  template: pveBooleanSchema.optional(),
  ha: z.object({ managed: pveBooleanSchema, state: z.string().optional() }).optional(),
});
export type GuestStatus = z.infer<typeof guestStatusSchema>;

// QEMU answers snake_case, LXC hyphenated (qemu-server Qemu.pm vs pve-container LXC.pm).
export const migratePreconditionsSchema = z
  .object({
    running: pveBooleanSchema,
    allowed_nodes: z.array(z.string()).optional(),
    "allowed-nodes": z.array(z.string()).optional(),
    local_disks: z.array(z.object({ volid: z.string(), size: pveNumberSchema.optional() })).optional(),
    local_resources: z.array(z.string()).optional(),
    "dependent-ha-resources": z.array(z.string()).optional(),
  })
  .transform((d) => ({
    running: d.running,
    allowedNodes: d.allowed_nodes ?? d["allowed-nodes"],
    localDisks: d.local_disks ?? [],
    localResources: d.local_resources ?? [],
    dependentHaResources: d["dependent-ha-resources"] ?? [],
  }));
export type MigratePreconditions = z.infer<typeof migratePreconditionsSchema>;

/** `ha.managed` tells whether start/stop/migrate will be turned into HA requests (hastart/hamigrate). */
export function getGuestStatus(
  client: ProxmoxClient,
  node: string,
  type: GuestType,
  vmid: number,
  options: CallOptions = {},
): Promise<PveResult<GuestStatus>> {
  const path = pvePath`/nodes/${assertNodeName(node)}/${type}/${assertVmid(vmid)}/status/current`;
  return client.call({ method: "GET", path, schema: guestStatusSchema, ...options });
}

/** Starts a guest; returns the task UPID (follow it with getTaskStatus). Not idempotent. */
export async function startGuest(client: ProxmoxClient, node: string, type: GuestType, vmid: number, options: CallOptions = {}): Promise<string> {
  const path = pvePath`/nodes/${assertNodeName(node)}/${type}/${assertVmid(vmid)}/status/start`;
  return (await client.call({ method: "POST", path, schema: upidSchema, ...options })).data;
}

/** Clean shutdown, hard stop after `timeout` seconds when `forceStop`; returns the task UPID. */
export async function shutdownGuest(
  client: ProxmoxClient,
  node: string,
  type: GuestType,
  vmid: number,
  params: { timeout?: number; forceStop?: boolean } = {},
  options: CallOptions = {},
): Promise<string> {
  const path = pvePath`/nodes/${assertNodeName(node)}/${type}/${assertVmid(vmid)}/status/shutdown`;
  return (await client.call({ method: "POST", path, params, schema: upidSchema, ...options })).data;
}

/** What blocks a migration to `target` (local disks/resources, allowed nodes) before trying it. */
export function getMigratePreconditions(
  client: ProxmoxClient,
  node: string,
  type: GuestType,
  vmid: number,
  target?: string,
  options: CallOptions = {},
): Promise<PveResult<MigratePreconditions>> {
  const path = pvePath`/nodes/${assertNodeName(node)}/${type}/${assertVmid(vmid)}/migrate`;
  const params = { target: target === undefined ? undefined : assertNodeName(target) };
  return client.call({ method: "GET", path, params, schema: migratePreconditionsSchema, ...options });
}

/**
 * Planned switchover to a replica node; Proxmox reverses the replication job afterwards.
 * QEMU: `online` for running VMs. LXC cannot live-migrate: `restart` stops and restarts it.
 */
export async function migrateGuest(
  client: ProxmoxClient,
  node: string,
  type: GuestType,
  vmid: number,
  params: { target: string; online?: boolean; restart?: boolean; withLocalDisks?: boolean; timeout?: number },
  options: CallOptions = {},
): Promise<string> {
  const path = pvePath`/nodes/${assertNodeName(node)}/${type}/${assertVmid(vmid)}/migrate`;
  const target = assertNodeName(params.target);
  const body =
    type === "qemu"
      ? { target, online: params.online, "with-local-disks": params.withLocalDisks }
      : { target, restart: params.restart, timeout: params.timeout };
  return (await client.call({ method: "POST", path, params: body, schema: upidSchema, ...options })).data;
}
