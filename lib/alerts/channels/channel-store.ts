import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { UserError } from "@/lib/auth/users";
import type { AlertChannel, PrismaClient } from "@/prisma/generated/client";
import { channelConfigSchemas, channelSecretSchemas, REQUIRED_SECRETS, type ChannelInput, type ChannelKind } from "./channel-schemas";

const aad = (id: string) => `alert-channel:${id}`;

export function openChannelSecrets(key: Buffer, channel: Pick<AlertChannel, "id" | "secretSealed">): Record<string, string> {
  if (!channel.secretSealed) return {};
  return JSON.parse(openSecret(key, channel.secretSealed, aad(channel.id))) as Record<string, string>;
}

/** What the browser may see of a channel: its config and which secrets are set, never their values. */
export function publicChannel(channel: AlertChannel, secretNames: string[], queue: { pending: number; failed: number; nextAttemptAt: Date | null }) {
  return {
    id: channel.id,
    name: channel.name,
    kind: channel.kind as ChannelKind,
    enabled: channel.enabled,
    minSeverity: channel.minSeverity,
    config: JSON.parse(channel.config) as Record<string, unknown>,
    secretsSet: secretNames,
    lastOkAt: channel.lastOkAt?.toISOString() ?? null,
    lastErrorAt: channel.lastErrorAt?.toISOString() ?? null,
    lastError: channel.lastError,
    pending: queue.pending,
    failed: queue.failed,
    nextAttemptAt: queue.nextAttemptAt?.toISOString() ?? null,
  };
}
export type PublicChannel = ReturnType<typeof publicChannel>;

export async function listChannels(db: PrismaClient, key: Buffer): Promise<PublicChannel[]> {
  const channels = await db.alertChannel.findMany({ orderBy: { name: "asc" } });
  const queues = await db.alertDelivery.groupBy({ by: ["channelId", "status"], where: { status: { in: ["pending", "sending", "failed"] } }, _count: true, _min: { nextAttemptAt: true } });
  return channels.map((c) => {
    const mine = queues.filter((q) => q.channelId === c.id);
    const pending = mine.filter((q) => q.status !== "failed");
    let names: string[] = [];
    try {
      names = Object.entries(openChannelSecrets(key, c)).filter(([, v]) => v !== "").map(([k]) => k);
    } catch {
      names = ["(cannot be decrypted)"];
    }
    return publicChannel(c, names, {
      pending: pending.reduce((n, q) => n + q._count, 0),
      failed: mine.filter((q) => q.status === "failed").reduce((n, q) => n + q._count, 0),
      nextAttemptAt: pending.map((q) => q._min.nextAttemptAt).filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0] ?? null,
    });
  });
}

function validate(input: ChannelInput, existingSecrets: Record<string, string>) {
  const kind = input.kind;
  const config = channelConfigSchemas[kind].safeParse(input.config);
  if (!config.success) throw new UserError(`Channel settings: ${config.error.issues.map((i) => `${i.path.join(".") || "config"} ${i.message}`).join("; ")}`);
  const given = Object.fromEntries(Object.entries(input.secrets).filter(([, v]) => v !== ""));
  const secrets = channelSecretSchemas[kind].safeParse({ ...existingSecrets, ...given });
  if (!secrets.success) throw new UserError(`Channel secrets: ${secrets.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  const merged = secrets.data as Record<string, string | undefined>;
  const missing = REQUIRED_SECRETS[kind].filter((k) => !merged[k]);
  if (missing.length) throw new UserError(`This channel needs: ${missing.join(", ")}.`);
  return { config: config.data, secrets: Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => typeof e[1] === "string")) };
}

export async function createChannel(db: PrismaClient, key: Buffer, input: ChannelInput) {
  const { config, secrets } = validate(input, {});
  if (await db.alertChannel.findUnique({ where: { name: input.name } })) throw new UserError(`A channel named ${input.name} exists already.`);
  const row = await db.alertChannel.create({ data: { name: input.name, kind: input.kind, enabled: input.enabled, minSeverity: input.minSeverity, config: JSON.stringify(config) } });
  await db.alertChannel.update({ where: { id: row.id }, data: { secretSealed: sealSecret(key, JSON.stringify(secrets), aad(row.id)) } });
  return { id: row.id, name: row.name, kind: row.kind, config, secretsSet: Object.keys(secrets) };
}

export async function updateChannel(db: PrismaClient, key: Buffer, id: string, input: ChannelInput) {
  const row = await db.alertChannel.findUnique({ where: { id } });
  if (!row) throw new UserError("That channel does not exist.");
  if (row.kind !== input.kind) throw new UserError("A channel's kind cannot change; create a new channel instead.");
  const { config, secrets } = validate(input, openChannelSecrets(key, row));
  await db.alertChannel.update({
    where: { id },
    data: { name: input.name, enabled: input.enabled, minSeverity: input.minSeverity, config: JSON.stringify(config), secretSealed: sealSecret(key, JSON.stringify(secrets), aad(id)) },
  });
  return { id, name: input.name, kind: input.kind, config, secretsChanged: Object.keys(input.secrets).filter((k) => input.secrets[k] !== "") };
}

export async function deleteChannel(db: PrismaClient, id: string) {
  const row = await db.alertChannel.findUnique({ where: { id } });
  if (!row) throw new UserError("That channel does not exist.");
  await db.alertChannel.delete({ where: { id } });
  return { id, name: row.name, kind: row.kind };
}
