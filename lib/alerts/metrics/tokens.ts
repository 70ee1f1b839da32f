import crypto from "node:crypto";
import { UserError } from "@/lib/auth/users";
import type { PrismaClient } from "@/prisma/generated/client";

// Bearer tokens for GET /api/metrics. Only a SHA-256 is stored: the token is random (256 bits),
// so a slow password hash adds nothing, and the scrape path stays cheap.

const PREFIX = "pvs_metrics_";

export function hashMetricsToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export async function createMetricsToken(db: PrismaClient, name: string, by: string) {
  if (!name.trim()) throw new UserError("Give the token a name (for example the Prometheus server).");
  const token = `${PREFIX}${crypto.randomBytes(32).toString("base64url")}`;
  const row = await db.metricsToken.create({ data: { name: name.trim(), tokenHash: hashMetricsToken(token), createdBy: by } });
  return { id: row.id, name: row.name, token };
}

export async function deleteMetricsToken(db: PrismaClient, id: string) {
  const row = await db.metricsToken.findUnique({ where: { id } });
  if (!row) throw new UserError("That token does not exist.");
  await db.metricsToken.delete({ where: { id } });
  return { id, name: row.name };
}

export async function listMetricsTokens(db: PrismaClient) {
  const rows = await db.metricsToken.findMany({ orderBy: { createdAt: "asc" } });
  return rows.map((r) => ({ id: r.id, name: r.name, createdBy: r.createdBy, createdAt: r.createdAt.toISOString(), lastUsedAt: r.lastUsedAt?.toISOString() ?? null }));
}
export type MetricsTokenView = Awaited<ReturnType<typeof listMetricsTokens>>[number];

/** Checks `Authorization: Bearer <token>`; records the use. Compares hashes, so timing says nothing. */
export async function verifyMetricsToken(db: PrismaClient, authorization: string | null, now: Date): Promise<boolean> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match?.[1]) return false;
  const row = await db.metricsToken.findUnique({ where: { tokenHash: hashMetricsToken(match[1]) } });
  if (!row) return false;
  await db.metricsToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  return true;
}
