import { z } from "zod";

// Pure and client-safe: what each channel kind needs. Secrets are separate from the config so
// the config can be shown in the browser and the secrets never are.

export const CHANNEL_KINDS = ["email", "webhook", "slack", "teams", "ntfy", "gotify"] as const;
export const channelKindSchema = z.enum(CHANNEL_KINDS);
export type ChannelKind = z.infer<typeof channelKindSchema>;

export const CHANNEL_LABELS: Record<ChannelKind, string> = {
  email: "Email (SMTP)",
  webhook: "Webhook (JSON, HMAC-signed)",
  slack: "Slack",
  teams: "Microsoft Teams",
  ntfy: "ntfy",
  gotify: "Gotify",
};

const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2000);
const email = z.email("must be an email address").max(320);

export const channelConfigSchemas = {
  email: z.object({
    host: z.string().trim().min(1, "required").max(253),
    port: z.number().int().min(1).max(65535),
    // starttls: plain connection upgraded with STARTTLS (required); tls: TLS from the first byte (465); none: no TLS (loopback relays only).
    security: z.enum(["starttls", "tls", "none"]),
    username: z.string().max(320).optional(),
    from: email,
    to: z.array(email).min(1, "at least one recipient").max(50),
  }),
  webhook: z.object({ url: httpUrl }),
  slack: z.object({}),
  teams: z.object({}),
  ntfy: z.object({ serverUrl: httpUrl, topic: z.string().trim().min(1).max(64).regex(/^[-_A-Za-z0-9]+$/, "letters, digits, - and _") }),
  gotify: z.object({ serverUrl: httpUrl }),
} satisfies Record<ChannelKind, z.ZodType>;

export const channelSecretSchemas = {
  email: z.object({ password: z.string().max(1000).optional() }),
  webhook: z.object({ hmacKey: z.string().min(16, "at least 16 characters").max(1000).optional() }),
  slack: z.object({ webhookUrl: httpUrl.optional() }),
  teams: z.object({ webhookUrl: httpUrl.optional() }),
  ntfy: z.object({ token: z.string().max(1000).optional() }),
  gotify: z.object({ appToken: z.string().max(1000).optional() }),
} satisfies Record<ChannelKind, z.ZodType>;

/** Secrets a kind cannot work without (checked when the channel is created). */
export const REQUIRED_SECRETS: Record<ChannelKind, string[]> = {
  email: [],
  webhook: ["hmacKey"],
  slack: ["webhookUrl"],
  teams: ["webhookUrl"],
  ntfy: [],
  gotify: ["appToken"],
};

export const channelInputSchema = z.object({
  name: z.string().trim().min(1, "required").max(100),
  kind: channelKindSchema,
  enabled: z.boolean().default(true),
  minSeverity: z.enum(["warning", "critical"]).default("warning"),
  config: z.record(z.string(), z.unknown()),
  /** Only the secrets being set or replaced; an omitted or empty one keeps the stored value. */
  secrets: z.record(z.string(), z.string()).default({}),
});
export type ChannelInput = z.infer<typeof channelInputSchema>;

/** The header that carries the webhook body's HMAC-SHA256, hex, as `sha256=<hex>`. */
export const WEBHOOK_SIGNATURE_HEADER = "X-PVE-Standby-Signature";
