import { z } from "zod";

import type { ProxmoxClient } from "./client";
import { assertNodeName, assertStorageId, assertVmid, pvePath } from "./params";
import type { PveResult } from "./response";
import { nodeSchema, nodeStorageSchema, nodeTimeSchema, storageConfigSchema, storageContentSchema } from "./schemas";
import type { NodeStorage, NodeTime, PveNode, StorageConfig, StorageContent } from "./schemas";

type CallOptions = { signal?: AbortSignal };

/** Nodes with `status` and `ssl_fingerprint` (the per-node pins offered on add). */
export function getNodes(client: ProxmoxClient, options: CallOptions = {}): Promise<PveResult<PveNode[]>> {
  return client.call({ method: "GET", path: pvePath`/nodes`, schema: z.array(nodeSchema), ...options });
}

/** The node's clock (`time`, epoch s) and zone: replication times in logs are in its local time. */
export function getNodeTime(client: ProxmoxClient, node: string, options: CallOptions = {}): Promise<PveResult<NodeTime>> {
  return client.call({ method: "GET", path: pvePath`/nodes/${assertNodeName(node)}/time`, schema: nodeTimeSchema, ...options });
}

/** Storages active on a node (proxied to it), with sizes in bytes. */
export function getNodeStorage(
  client: ProxmoxClient,
  node: string,
  options: CallOptions & { storage?: string; enabled?: boolean } = {},
): Promise<PveResult<NodeStorage[]>> {
  const { storage, enabled, ...rest } = options;
  return client.call({
    method: "GET",
    path: pvePath`/nodes/${assertNodeName(node)}/storage`,
    params: { storage: storage === undefined ? undefined : assertStorageId(storage), enabled },
    schema: z.array(nodeStorageSchema),
    ...rest,
  });
}

/** Volumes on a storage of a node, e.g. to confirm a guest's replicas exist on the target. */
export function getStorageContent(
  client: ProxmoxClient,
  node: string,
  storage: string,
  options: CallOptions & { vmid?: number } = {},
): Promise<PveResult<StorageContent[]>> {
  const { vmid, ...rest } = options;
  return client.call({
    method: "GET",
    path: pvePath`/nodes/${assertNodeName(node)}/storage/${assertStorageId(storage)}/content`,
    params: { vmid: vmid === undefined ? undefined : assertVmid(vmid) },
    schema: z.array(storageContentSchema),
    ...rest,
  });
}

/** storage.cfg entries (needs Datastore.Audit/Allocate to see them). */
export function getStorageConfig(client: ProxmoxClient, options: CallOptions & { type?: string } = {}): Promise<PveResult<StorageConfig[]>> {
  const { type, ...rest } = options;
  return client.call({ method: "GET", path: pvePath`/storage`, params: { type }, schema: z.array(storageConfigSchema), ...rest });
}
