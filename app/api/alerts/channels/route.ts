// GET /api/alerts/channels (alert.manage) – channels without their secrets
// POST /api/alerts/channels (alert.manage) – create a channel; secrets are sealed at once
import { alertAppContext } from "@/lib/alerts/app-deps";
import { channelInputSchema } from "@/lib/alerts/channels/channel-schemas";
import { createChannel, listChannels } from "@/lib/alerts/channels/channel-store";
import { guardedRoute } from "@/lib/http/guarded-route";
import { readRoute } from "@/lib/http/read-guard";

export const GET = readRoute("alert.manage", async ({ db }) => ({ data: await listChannels(db, alertAppContext().encryptionKey) }));

export const POST = guardedRoute({ permission: "alert.manage", action: "alert.channel_create", body: channelInputSchema }, async ({ db, body }) => {
  const created = await createChannel(db, alertAppContext().encryptionKey, body);
  return { status: 201, data: { id: created.id }, audit: { target: { type: "alert-channel", id: created.id }, details: { name: created.name, kind: created.kind, config: created.config, secretsSet: created.secretsSet } } };
});
