import { z } from "zod";

import type { ProxmoxClient } from "./client";
import { assertNodeName, assertStorageId, assertVmid, pvePath } from "./params";
import type { PveResult } from "./response";
import { nodeSchema, nodeTimeSchema, storageContentSchema } from "./schemas";
import type { NodeTime, PveNode, StorageContent } from "./schemas";

type CallOptions = { signal?: AbortSignal };

/** Nodes with `status` and `ssl_fingerprint` (the per-node pins offered on add). */
export function getNodes(client: ProxmoxClient, options: CallOptions = {}): Promise<PveResult<PveNode[]>> {
  return client.call({ method: "GET", path: pvePath`/nodes`, schema: z.array(nodeSchema), ...options });
}

/** The node's clock (`time`, epoch s) and zone: replication times in logs are in its local time. */
export function getNodeTime(client: ProxmoxClient, node: string, options: CallOptions = {}): Promise<PveResult<NodeTime>> {
  return client.call({ method: "GET", path: pvePath`/nodes/${assertNodeName(node)}/time`, schema: nodeTimeSchema, ...options });
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
