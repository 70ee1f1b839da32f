import type { ProxmoxClient } from "./client";
import { pvePath } from "./params";
import type { PveResult } from "./response";
import { permissionsSchema } from "./schemas";
import type { PvePermissions } from "./schemas";

type CallOptions = { signal?: AbortSignal };

/**
 * The caller's effective privileges per ACL path (for a privilege-separated token: the
 * intersection of user and token ACLs). Feed the answer to `evaluatePrivileges`.
 */
export function getPermissions(
  client: ProxmoxClient,
  options: CallOptions & { path?: string } = {},
): Promise<PveResult<PvePermissions>> {
  const { path, ...rest } = options;
  return client.call({ method: "GET", path: pvePath`/access/permissions`, params: { path }, schema: permissionsSchema, ...rest });
}
