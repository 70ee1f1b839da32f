import crypto from "node:crypto";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import type { PrismaClient } from "@/prisma/generated/client";
import { pushPasteCommands, pushReceiverUrl, PUSH_TARGET_NAME } from "./push-config";

const aad = (clusterId: string) => `proxmox-push:${clusterId}`;

/** The cluster's push secret, created on first use (sealed like cluster credentials). */
export async function ensurePushSecret(db: PrismaClient, key: Buffer, clusterId: string): Promise<string> {
  const row = await db.proxmoxPushTarget.findUnique({ where: { clusterId } });
  if (row) return openSecret(key, row.secretSealed, aad(clusterId));
  const secret = crypto.randomBytes(32).toString("base64url");
  await db.proxmoxPushTarget.create({ data: { clusterId, secretSealed: sealSecret(key, secret, aad(clusterId)), targetName: PUSH_TARGET_NAME } });
  return secret;
}

/** Whether a pushed request carries the cluster's secret (constant-time compare). */
export async function verifyPushSecret(db: PrismaClient, key: Buffer, clusterId: string, presented: string | null): Promise<"ok" | "unknown-cluster" | "bad-secret"> {
  const row = await db.proxmoxPushTarget.findUnique({ where: { clusterId } });
  if (!row) return "unknown-cluster";
  if (!presented) return "bad-secret";
  const expected = crypto.createHash("sha256").update(openSecret(key, row.secretSealed, aad(clusterId))).digest();
  const given = crypto.createHash("sha256").update(presented).digest();
  return crypto.timingSafeEqual(expected, given) ? "ok" : "bad-secret";
}

export async function listPushTargets(db: PrismaClient, appUrl: string) {
  const [clusters, rows] = await Promise.all([db.cluster.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }), db.proxmoxPushTarget.findMany()]);
  return clusters.map((c) => {
    const row = rows.find((r) => r.clusterId === c.id);
    return {
      clusterId: c.id,
      clusterName: c.name,
      receiverUrl: pushReceiverUrl(appUrl, c.id),
      hasSecret: Boolean(row),
      registeredAt: row?.registeredAt?.toISOString() ?? null,
      registerError: row?.registerError ?? null,
      lastReceivedAt: row?.lastReceivedAt?.toISOString() ?? null,
      lastRefusedAt: row?.lastRefusedAt?.toISOString() ?? null,
    };
  });
}
export type PushTargetView = Awaited<ReturnType<typeof listPushTargets>>[number];

/** The paste-it-yourself configuration (carries the secret: only for cluster.manage, never logged). */
export async function pushPasteConfig(db: PrismaClient, key: Buffer, appUrl: string, clusterId: string): Promise<string> {
  return pushPasteCommands(appUrl, clusterId, await ensurePushSecret(db, key, clusterId));
}
