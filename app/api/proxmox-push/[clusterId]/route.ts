// POST /api/proxmox-push/:clusterId – Proxmox's webhook target (PVE 8.3+) posts replication and
// fencing notifications here. Authenticated by the per-cluster secret in X-PVE-Standby-Secret
// (Proxmox fills it from {{ secrets.token }}); anything else is refused and audited. An accepted
// notification triggers an immediate poll of the cluster, whose cycle evaluates the alerts.
import { alertAppContext } from "@/lib/alerts/app-deps";
import { PUSH_SECRET_HEADER } from "@/lib/alerts/push/push-config";
import { verifyPushSecret } from "@/lib/alerts/push/push-targets";
import { recordAudit } from "@/lib/audit/record-audit";
import { requestAddress } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { json } from "@/lib/http/guarded-route";
import { logger } from "@/lib/logger";
import { triggerPoll } from "@/lib/poller/app-poller";
import { z } from "zod";

const notificationSchema = z.object({
  title: z.string().max(2000).optional(),
  severity: z.string().max(50).optional(),
  timestamp: z.number().optional(),
  fields: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  message: z.string().max(100_000).optional(),
});

export async function POST(request: Request, context: { params: Promise<{ clusterId: string }> }): Promise<Response> {
  const { clusterId } = await context.params;
  const db = getDb();
  const ctx = alertAppContext();
  const ip = await requestAddress();
  const verdict = await verifyPushSecret(db, ctx.encryptionKey, clusterId, request.headers.get(PUSH_SECRET_HEADER));
  const actor = { id: null, label: `proxmox-push:${clusterId}`, type: "anonymous" as const };
  if (verdict !== "ok") {
    await recordAudit(db, { actor, action: "alert.push_refused", outcome: "denied", target: { type: "cluster", id: clusterId }, ip, details: { reason: verdict } });
    if (verdict === "bad-secret") await db.proxmoxPushTarget.update({ where: { clusterId }, data: { lastRefusedAt: new Date() } });
    logger.warn({ clusterId, reason: verdict, ip }, "Refused a Proxmox push notification");
    return json(401, { error: "Unknown cluster or wrong secret." });
  }
  const parsed = notificationSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) {
    await recordAudit(db, { actor, action: "alert.push_received", outcome: "failure", target: { type: "cluster", id: clusterId }, ip, details: { error: "body is not a Proxmox notification" } });
    return json(400, { error: "The body is not a notification (title, severity, fields)." });
  }
  await db.proxmoxPushTarget.update({ where: { clusterId }, data: { lastReceivedAt: new Date() } });
  triggerPoll(clusterId);
  await recordAudit(db, {
    actor: { ...actor, type: "system" }, action: "alert.push_received", outcome: "success", target: { type: "cluster", id: clusterId }, ip,
    details: { title: parsed.data.title, severity: parsed.data.severity, fields: parsed.data.fields },
  });
  return json(202, { ok: true });
}
