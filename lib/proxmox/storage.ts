import { z } from "zod";

import type { ProxmoxClient } from "./client";
import { pvePath } from "./params";
import type { PveResult } from "./response";

type CallOptions = { signal?: AbortSignal };

/** A storage's cluster-wide definition (`/etc/pve/storage.cfg`); `pool` is the ZFS dataset of a zfspool storage. */
export const storageConfigSchema = z.object({
  storage: z.string(),
  type: z.string(),
  content: z.string().optional(),
  pool: z.string().optional(),
  path: z.string().optional(),
  nodes: z.string().optional(),
});
export type StorageConfig = z.infer<typeof storageConfigSchema>;

/**
 * `GET /storage`: every storage the caller may audit (Datastore.Audit is enough, where
 * `GET /storage/{storage}` needs Datastore.Allocate).
 */
export function listStorageConfigs(client: ProxmoxClient, options: CallOptions = {}): Promise<PveResult<StorageConfig[]>> {
  return client.call({ method: "GET", path: pvePath`/storage`, schema: z.array(storageConfigSchema), ...options });
}
