// PUT /api/alerts/channels/:channelId (alert.manage) – change a channel; empty secrets keep the stored ones
// DELETE /api/alerts/channels/:channelId (alert.manage)
import { z } from "zod";
import { alertAppContext } from "@/lib/alerts/app-deps";
import { channelInputSchema } from "@/lib/alerts/channels/channel-schemas";
import { deleteChannel, updateChannel } from "@/lib/alerts/channels/channel-store";
import { guardedRoute } from "@/lib/http/guarded-route";

const target = (p: Record<string, string>) => ({ type: "alert-channel", id: p.channelId ?? "" });

export const PUT = guardedRoute({ permission: "alert.manage", action: "alert.channel_update", body: channelInputSchema, target }, async ({ db, body, params }) => {
  const updated = await updateChannel(db, alertAppContext().encryptionKey, params.channelId ?? "", body);
  return { data: { ok: true }, audit: { details: { name: updated.name, kind: updated.kind, config: updated.config, secretsChanged: updated.secretsChanged } } };
});

export const DELETE = guardedRoute({ permission: "alert.manage", action: "alert.channel_delete", body: z.object({}).loose(), target }, async ({ db, params }) => {
  const deleted = await deleteChannel(db, params.channelId ?? "");
  return { data: { ok: true }, audit: { details: deleted } };
});
