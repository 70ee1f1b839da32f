// POST /api/alerts/channels/:channelId/test (alert.manage) – send a test message now and report the answer
import { z } from "zod";
import { alertAppContext } from "@/lib/alerts/app-deps";
import { testChannel } from "@/lib/alerts/channels/test-channel";
import { guardedRoute } from "@/lib/http/guarded-route";

export const POST = guardedRoute(
  { permission: "alert.manage", action: "alert.channel_test", body: z.object({}).loose(), target: (p) => ({ type: "alert-channel", id: p.channelId ?? "" }) },
  async ({ db, params }) => {
    const ctx = alertAppContext();
    const result = await testChannel(db, ctx.encryptionKey, params.channelId ?? "", ctx);
    return { data: result, audit: { details: result } };
  },
);
