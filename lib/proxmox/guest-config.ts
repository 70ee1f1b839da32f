import { z } from "zod";

import type { ProxmoxClient } from "./client";
import type { GuestType } from "./guests";
import { assertNodeName, assertVmid, pvePath } from "./params";
import type { PveResult } from "./response";

type CallOptions = { signal?: AbortSignal };

// Only the keys pve-standby reads; the config holds many more (disks, nets, …) kept as unknown.
export const guestConfigSchema = z
  .object({
    name: z.string().optional(),
    hostname: z.string().optional(),
    startup: z.string().optional(),
    onboot: z.union([z.number(), z.string()]).optional(),
    lock: z.string().optional(),
    digest: z.string().optional(),
  })
  .catchall(z.unknown());
export type GuestConfig = z.infer<typeof guestConfigSchema>;

/** The guest's current configuration (`/etc/pve/nodes/<node>/…/<vmid>.conf`); proxied to its node. */
export function getGuestConfig(
  client: ProxmoxClient,
  node: string,
  type: GuestType,
  vmid: number,
  options: CallOptions = {},
): Promise<PveResult<GuestConfig>> {
  const path = pvePath`/nodes/${assertNodeName(node)}/${type}/${assertVmid(vmid)}/config`;
  return client.call({ method: "GET", path, schema: guestConfigSchema, ...options });
}

/**
 * `startup: order=2,up=30,down=60` (pve-guest-common PVE::JSONSchema pve-startup-order). Guests
 * without an order start after those with one (pve-manager startall), so they sort last.
 */
export function readStartupOrder(startup: string | undefined): number | null {
  if (!startup) return null;
  const match = /(?:^|,)order=(\d+)(?:,|$)/.exec(startup) ?? /^(\d+)(?:,|$)/.exec(startup);
  return match ? Number(match[1]) : null;
}
