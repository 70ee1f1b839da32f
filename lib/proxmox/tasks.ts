import { z } from "zod";

import type { ProxmoxClient } from "./client";
import { assertNodeName, assertUpid, assertVmid, pvePath } from "./params";
import type { PveResult } from "./response";
import { logLineSchema, taskListEntrySchema, taskStatusSchema } from "./schemas";
import type { LogLine, TaskListEntry, TaskStatus } from "./schemas";

type CallOptions = { signal?: AbortSignal };

/** The node that runs a task is the 2nd UPID field; task endpoints are proxied to it. */
export function readUpidNode(upid: string): string {
  return assertUpid(upid).split(":")[1] as string;
}

/** `status` is `running` or `stopped`; `exitstatus` is `OK`, `WARNINGS: n` or the error text. */
export function getTaskStatus(client: ProxmoxClient, upid: string, options: CallOptions = {}): Promise<PveResult<TaskStatus>> {
  const path = pvePath`/nodes/${readUpidNode(upid)}/tasks/${upid}/status`;
  return client.call({ method: "GET", path, schema: taskStatusSchema, ...options });
}

/** Last line of a finished task: `TASK OK`, `TASK WARNINGS: n` or `TASK ERROR: <msg>`. */
export function getTaskLog(
  client: ProxmoxClient,
  upid: string,
  options: CallOptions & { start?: number; limit?: number } = {},
): Promise<PveResult<LogLine[]>> {
  const { start, limit, ...rest } = options;
  const path = pvePath`/nodes/${readUpidNode(upid)}/tasks/${upid}/log`;
  return client.call({ method: "GET", path, params: { start, limit }, schema: z.array(logLineSchema), ...rest });
}

/** Recent tasks of a node, newest first; `source: "active"` lists running ones (status `RUNNING`). */
export function listNodeTasks(
  client: ProxmoxClient,
  node: string,
  options: CallOptions & { vmid?: number; typefilter?: string; limit?: number; source?: "archive" | "active" | "all" } = {},
): Promise<PveResult<TaskListEntry[]>> {
  const { vmid, typefilter, limit, source, ...rest } = options;
  const params = { vmid: vmid === undefined ? undefined : assertVmid(vmid), typefilter, limit, source };
  return client.call({ method: "GET", path: pvePath`/nodes/${assertNodeName(node)}/tasks`, params, schema: z.array(taskListEntrySchema), ...rest });
}
