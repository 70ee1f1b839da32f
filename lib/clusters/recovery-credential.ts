import "server-only";
import { z } from "zod";
import { UserError } from "@/lib/auth/users";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import type { PrismaClient, RecoveryCredential } from "@/prisma/generated/client";
import { DEFAULT_SSH_PORT, type NodeTestResult, type RecoveryCredentialInput, type RecoveryCredentialView, type SshAddress } from "./recovery-schemas";

// The per-cluster root login for recovering guests from a dead node (failover part 2). The
// secret is sealed like the API token, bound to the cluster; only the server ever opens it.

export const recoveryAssociatedData = (clusterId: string) => `recovery:${clusterId}`;

const secretSchema = z.union([z.object({ password: z.string().min(1) }), z.object({ privateKey: z.string().min(1), passphrase: z.string().optional() })]);
export type RecoverySecret = z.infer<typeof secretSchema>;

const addressesSchema = z.record(z.string(), z.object({ host: z.string(), port: z.number().int().nullable() })).catch({});

export function readNodeAddresses(row: Pick<RecoveryCredential, "nodeAddresses">): Record<string, SshAddress> {
  try {
    return addressesSchema.parse(JSON.parse(row.nodeAddresses));
  } catch {
    return {};
  }
}

export function openRecoverySecret(encryptionKey: Buffer, row: Pick<RecoveryCredential, "clusterId" | "secretSealed">): RecoverySecret {
  return secretSchema.parse(JSON.parse(openSecret(encryptionKey, row.secretSealed, recoveryAssociatedData(row.clusterId))));
}

/** Creates or replaces the credential. A blank secret keeps the stored one if the kind did not change. */
export async function setRecoveryCredential(db: PrismaClient, clusterId: string, input: RecoveryCredentialInput, by: string, encryptionKey: Buffer) {
  const cluster = await db.cluster.findUnique({ where: { id: clusterId }, select: { id: true } });
  if (!cluster) throw new UserError("This cluster does not exist.");
  const before = await db.recoveryCredential.findUnique({ where: { clusterId } });
  let secret: RecoverySecret | null = null;
  if (input.authKind === "password" && input.password) secret = { password: input.password };
  if (input.authKind === "key" && input.privateKey?.trim()) secret = { privateKey: input.privateKey.trim() + "\n", ...(input.passphrase ? { passphrase: input.passphrase } : {}) };
  if (!secret && (!before || before.authKind !== input.authKind)) {
    throw new UserError(input.authKind === "password" ? "Enter the password." : "Paste the private key.");
  }
  const sealed = secret ? sealSecret(encryptionKey, JSON.stringify(secret), recoveryAssociatedData(clusterId)) : (before as RecoveryCredential).secretSealed;
  const addresses = Object.fromEntries(Object.entries(input.nodeAddresses).filter(([, a]) => a !== null));
  const data = { username: input.username, port: input.port, authKind: input.authKind, secretSealed: sealed, nodeAddresses: JSON.stringify(addresses), updatedByLabel: by };
  await db.recoveryCredential.upsert({ where: { clusterId }, create: { clusterId, ...data }, update: data });
  return { replacedSecret: Boolean(secret), before: before ? auditShape(before) : null, after: auditShape(data) };
}

/** What the audit trail may hold: never the secret nor its sealed form. */
function auditShape(row: Pick<RecoveryCredential, "username" | "port" | "authKind" | "nodeAddresses">) {
  return { username: row.username, port: row.port, authKind: row.authKind, nodeAddresses: readNodeAddresses(row) };
}

export async function deleteRecoveryCredential(db: PrismaClient, clusterId: string) {
  const { count } = await db.recoveryCredential.deleteMany({ where: { clusterId } });
  if (count === 0) throw new UserError("This cluster has no recovery credential.");
}

/** The page's view: settings, each node's SSH address and pinned host key, the last test. No secret. */
export async function getRecoveryCredentialView(db: PrismaClient, clusterId: string): Promise<RecoveryCredentialView> {
  const [row, nodes, keys] = await Promise.all([
    db.recoveryCredential.findUnique({ where: { clusterId } }),
    db.clusterNode.findMany({ where: { clusterId }, orderBy: { name: "asc" }, select: { name: true, online: true, ip: true } }),
    db.nodeHostKey.findMany({ where: { clusterId } }),
  ]);
  const addresses = row ? readNodeAddresses(row) : {};
  const port = row?.port ?? DEFAULT_SSH_PORT;
  return {
    configured: row !== null,
    username: row?.username ?? "root",
    port,
    authKind: row ? (row.authKind as "password" | "key") : null,
    updatedByLabel: row?.updatedByLabel ?? null,
    updatedAt: row?.updatedAt.toISOString() ?? null,
    lastTestAt: row?.lastTestAt?.toISOString() ?? null,
    lastTest: row?.lastTest ? (JSON.parse(row.lastTest) as NodeTestResult[]) : null,
    nodes: nodes.map((n) => {
      const own = addresses[n.name];
      const key = keys.find((k) => k.node === n.name);
      return {
        node: n.name,
        online: n.online,
        reportedAddress: n.ip,
        ssh: { host: own?.host ?? n.ip, port: own?.port ?? port, overridden: Boolean(own) },
        hostKey: key ? { fingerprint: key.fingerprint, pinnedAt: key.pinnedAt.toISOString() } : null,
        offered: key?.offeredFingerprint && key.offeredAt ? { fingerprint: key.offeredFingerprint, offeredAt: key.offeredAt.toISOString() } : null,
      };
    }),
  };
}

/**
 * The admin trusts the key a node now presents (reinstalled node): only the exact fingerprint
 * that was offered and shown, so a key that changed again in between is not trusted blindly.
 */
export async function trustOfferedHostKey(db: PrismaClient, clusterId: string, node: string, fingerprint: string, at: Date) {
  const row = await db.nodeHostKey.findUnique({ where: { clusterId_node: { clusterId, node } } });
  if (!row?.offeredFingerprint) throw new UserError(`${node} has not presented a different host key.`);
  if (row.offeredFingerprint !== fingerprint) throw new UserError(`${node} now presents ${row.offeredFingerprint}, not ${fingerprint}; check it again before trusting it.`);
  await db.nodeHostKey.update({ where: { clusterId_node: { clusterId, node } }, data: { fingerprint, pinnedAt: at, offeredFingerprint: null, offeredAt: null } });
  return { before: row.fingerprint, after: fingerprint };
}
