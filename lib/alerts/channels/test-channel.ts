import { UserError } from "@/lib/auth/users";
import type { PrismaClient } from "@/prisma/generated/client";
import { buildTestMessage } from "../message";
import { openChannelSecrets } from "./channel-store";
import { deliver, type DeliveryDeps } from "./deliver";

/** "Send test": sends at once (not through the outbox) so the operator sees the answer now. */
export async function testChannel(db: PrismaClient, key: Buffer, id: string, ctx: DeliveryDeps & { appUrl: string; now: () => Date }) {
  const channel = await db.alertChannel.findUnique({ where: { id } });
  if (!channel) throw new UserError("That channel does not exist.");
  try {
    await deliver({ kind: channel.kind, name: channel.name, config: JSON.parse(channel.config), secrets: openChannelSecrets(key, channel) }, buildTestMessage(channel.name, ctx.appUrl, ctx.now()), ctx);
    await db.alertChannel.update({ where: { id }, data: { lastOkAt: ctx.now() } });
    return { ok: true as const, channel: channel.name };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.alertChannel.update({ where: { id }, data: { lastError: message, lastErrorAt: ctx.now() } });
    return { ok: false as const, channel: channel.name, error: message };
  }
}
