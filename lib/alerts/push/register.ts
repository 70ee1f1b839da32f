import { z } from "zod";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { PveError, PvePermissionError } from "@/lib/proxmox/errors";
import { pvePath } from "@/lib/proxmox/params";
import type { PrismaClient } from "@/prisma/generated/client";
import { pushPasteCommands, pushRegistration, PUSH_MATCHER_NAME, PUSH_TARGET_NAME } from "./push-config";
import { ensurePushSecret } from "./push-targets";

export type RegisterResult =
  | { ok: true; created: string[] }
  | { ok: false; reason: string; missingPrivileges: string[]; pasteCommands: string };

// Privileges Proxmox checks (pve-api-subset.json): the webhook target needs Mapping.Modify on
// /mapping/notifications and Sys.Audit+Sys.Modify (or Sys.AccessNetwork) on /; the matcher Mapping.Modify.
const NEEDED = ["Mapping.Modify on /mapping/notifications", "Sys.Modify and Sys.Audit (or Sys.AccessNetwork) on /"];

/**
 * Creates (or replaces) pve-standby's webhook target and matcher on the cluster. Where the token
 * lacks the privileges, says which and returns the commands to paste instead.
 */
export async function registerPush(db: PrismaClient, client: ProxmoxClient, key: Buffer, appUrl: string, clusterId: string, now: Date): Promise<RegisterResult> {
  const secret = await ensurePushSecret(db, key, clusterId);
  const { webhook, matcher } = pushRegistration(appUrl, clusterId, secret);
  const any = z.unknown();
  const created: string[] = [];
  try {
    // Replace what an earlier registration left (its URL or secret may be outdated).
    await client.call({ method: "DELETE", path: pvePath`/cluster/notifications/matchers/${PUSH_MATCHER_NAME}`, schema: any }).catch(ignoreMissing);
    await client.call({ method: "DELETE", path: pvePath`/cluster/notifications/endpoints/webhook/${PUSH_TARGET_NAME}`, schema: any }).catch(ignoreMissing);
    await client.call({ method: "POST", path: pvePath`/cluster/notifications/endpoints/webhook`, params: webhook, schema: any });
    created.push(`webhook target ${PUSH_TARGET_NAME}`);
    await client.call({ method: "POST", path: pvePath`/cluster/notifications/matchers`, params: matcher, schema: any });
    created.push(`matcher ${PUSH_MATCHER_NAME}`);
    await db.proxmoxPushTarget.update({ where: { clusterId }, data: { registeredAt: now, registerError: null } });
    return { ok: true, created };
  } catch (error) {
    const reason = error instanceof PvePermissionError ? `Permission denied: ${error.message}` : error instanceof Error ? error.message : String(error);
    await db.proxmoxPushTarget.update({ where: { clusterId }, data: { registerError: reason } });
    const missing = error instanceof PvePermissionError ? (error.privilege && error.aclPath ? [`${error.privilege} on ${error.aclPath}`] : NEEDED) : [];
    return { ok: false, reason, missingPrivileges: missing, pasteCommands: pushPasteCommands(appUrl, clusterId, secret) };
  }
}

function ignoreMissing(error: unknown): void {
  // A first registration finds nothing to delete; anything else (permissions, network) is real.
  if (error instanceof PveError && /does not exist|not found|no such/i.test(error.message)) return;
  if (error instanceof PveError && error.status === 404) return;
  throw error;
}
