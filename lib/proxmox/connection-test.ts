import { getClusterStatus, getVersion, readQuorum } from "./cluster";
import type { ProxmoxClient } from "./client";
import { getPermissions } from "./access";
import { PveError, PvePermissionError } from "./errors";
import { getNodes } from "./nodes";
import { evaluatePrivileges } from "./privileges";
import type { FeatureResult } from "./privileges";
import type { PveNode, PveVersion } from "./schemas";

export type ConnectionReport = {
  version: PveVersion;
  endpoint: string;
  serverTime?: Date;
  nodes: { name: string; status: string; sslFingerprint?: string }[];
  /** Undefined when the token may not read /cluster/status (needs Sys.Audit on /). */
  quorum?: { clustered: boolean; quorate: boolean; name?: string };
  /** Per feature: ok / partial / missing, with the smallest built-in role that would do. */
  features: FeatureResult[];
  /** Calls that failed without making the whole test fail (e.g. a 403 on /cluster/status). */
  warnings: string[];
};

/**
 * The "Test connection" of the add-cluster and settings pages: version, nodes, quorum and the
 * token's privileges against what each feature needs. Auth, TLS and unreachable errors are
 * thrown as they are; a missing privilege for one read becomes a warning.
 */
export async function testConnection(client: ProxmoxClient, options: { signal?: AbortSignal } = {}): Promise<ConnectionReport> {
  const version = await getVersion(client, options);
  const warnings: string[] = [];
  const [nodes, status, permissions] = await Promise.all([
    soft(getNodes(client, options), warnings),
    soft(getClusterStatus(client, options), warnings),
    getPermissions(client, options),
  ]);
  return {
    version: version.data,
    endpoint: version.endpoint,
    serverTime: version.serverTime,
    nodes: (nodes?.data ?? []).map((n: PveNode) => ({ name: n.node, status: n.status, sslFingerprint: n.ssl_fingerprint })),
    quorum: status ? readQuorum(status.data) : undefined,
    features: evaluatePrivileges(permissions.data),
    warnings,
  };
}

async function soft<T>(promise: Promise<T>, warnings: string[]): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof PvePermissionError || (error instanceof PveError && error.status !== undefined && error.status >= 500)) {
      warnings.push(`${error.method ?? ""} ${error.path ?? ""}: ${error.message}`.trim());
      return undefined;
    }
    throw error;
  }
}
