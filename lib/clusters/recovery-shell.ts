import "server-only";
import { UserError } from "@/lib/auth/users";
import { logger } from "@/lib/logger";
import { SshHostKeyChangedError } from "@/lib/ssh/errors";
import type { RemoteShell, RemoteShellFor } from "@/lib/ssh/remote-shell";
import type { PrismaClient } from "@/prisma/generated/client";
import { openRecoverySecret, readNodeAddresses } from "./recovery-credential";
import type { NodeTestResult } from "./recovery-schemas";

// The app's RemoteShellFor: the cluster's recovery credential and each node's pinned host key
// from the database, the connection by lib/ssh. The first key a node presents is pinned (as the
// TLS fingerprint is on first connection); a different one later is refused and kept for an
// admin to look at and, if it is right, trust.

export type OpenShellOptions = {
  node: string;
  host: string;
  port: number;
  username: string;
  auth: { password: string } | { privateKey: string; passphrase?: string };
  pinnedHostKey: string | null;
  timeoutMs: number;
};
export type OpenShell = (options: OpenShellOptions) => Promise<{ shell: RemoteShell; hostKey: string }>;

export type RecoveryShellDeps = { db: PrismaClient; encryptionKey: Buffer; open: OpenShell; now?: () => Date; timeoutMs?: number };

/** lib/ssh's refusal of a changed host key (a tagged error: recognised across Next bundles). */
function changedHostKey(error: unknown): { expected: string; presented: string } | null {
  return error instanceof SshHostKeyChangedError ? { expected: error.expected, presented: error.presented } : null;
}

export function createRecoveryShellFor(deps: RecoveryShellDeps): RemoteShellFor {
  const now = deps.now ?? (() => new Date());
  return async (clusterId, node) => {
    const credential = await deps.db.recoveryCredential.findUnique({ where: { clusterId } });
    if (!credential) return null;
    const [nodeRow, pin] = await Promise.all([
      deps.db.clusterNode.findUnique({ where: { clusterId_name: { clusterId, name: node } }, select: { ip: true } }),
      deps.db.nodeHostKey.findUnique({ where: { clusterId_node: { clusterId, node } } }),
    ]);
    const own = readNodeAddresses(credential)[node];
    const host = own?.host ?? nodeRow?.ip;
    if (!host) throw new UserError(`No SSH address is known for ${node}: set one in the cluster's recovery credential.`);
    let opened;
    try {
      opened = await deps.open({
        node, host, port: own?.port ?? credential.port, username: credential.username, auth: openRecoverySecret(deps.encryptionKey, credential),
        pinnedHostKey: pin?.fingerprint ?? null, timeoutMs: deps.timeoutMs ?? 15_000,
      });
    } catch (error) {
      const changed = changedHostKey(error);
      if (changed) {
        await deps.db.nodeHostKey.update({ where: { clusterId_node: { clusterId, node } }, data: { offeredFingerprint: changed.presented, offeredAt: now() } });
        logger.warn({ clusterId, node, pinned: changed.expected, presented: changed.presented }, "SSH host key changed: connection refused");
      }
      throw error;
    }
    if (!pin) {
      await deps.db.nodeHostKey.create({ data: { clusterId, node, fingerprint: opened.hostKey, pinnedAt: now() } }).catch(async (error: unknown) => {
        // Another connection pinned it a moment ago: the key must be that one.
        const raced = await deps.db.nodeHostKey.findUnique({ where: { clusterId_node: { clusterId, node } } });
        if (raced?.fingerprint === opened.hostKey) return;
        opened.shell.close();
        throw raced ? new UserError(`The SSH host key of ${node} is ${opened.hostKey}, not the pinned ${raced.fingerprint}: the connection was refused.`) : error;
      });
    }
    return opened.shell;
  };
}

/** "Test connection": logs in to each online node and runs `pvecm status`; the result is kept for the page. */
export async function testRecoveryConnection(deps: RecoveryShellDeps, clusterId: string): Promise<NodeTestResult[]> {
  const shellFor = createRecoveryShellFor(deps);
  const nodes = await deps.db.clusterNode.findMany({ where: { clusterId }, orderBy: { name: "asc" }, select: { name: true, online: true } });
  if (!(await deps.db.recoveryCredential.findUnique({ where: { clusterId }, select: { clusterId: true } }))) throw new UserError("Save a recovery credential first.");
  const results: NodeTestResult[] = [];
  for (const n of nodes) {
    if (!n.online) {
      results.push({ node: n.name, ok: false, message: `${n.name} is offline: not tested.` });
      continue;
    }
    try {
      const shell = await shellFor(clusterId, n.name);
      if (!shell) throw new UserError("The credential was removed.");
      try {
        const out = await shell.run("pvecm status", { timeoutMs: 15_000 });
        const quorate = /^\s*Quorate:\s+(\w+)/m.exec(out.stdout)?.[1];
        results.push(out.code === 0
          ? { node: n.name, ok: true, message: `Logged in; pvecm status: Quorate: ${quorate ?? "not shown"}.` }
          : { node: n.name, ok: false, message: `Logged in, but pvecm status answered ${out.code}: ${out.stderr.trim().slice(0, 300)}` });
      } finally {
        shell.close();
      }
    } catch (error) {
      results.push({ node: n.name, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  }
  await deps.db.recoveryCredential.update({ where: { clusterId }, data: { lastTestAt: nowOf(deps), lastTest: JSON.stringify(results) } });
  return results;
}

const nowOf = (deps: RecoveryShellDeps) => (deps.now ?? (() => new Date()))();
