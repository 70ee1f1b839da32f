import nodemailer from "nodemailer";
import { messageText, type AlertMessage } from "../message";
import { channelConfigSchemas, channelSecretSchemas, type ChannelKind } from "./channel-schemas";
import { emailHtml, gotifyRequest, ntfyRequest, slackRequest, teamsRequest, webhookRequest, type HttpDelivery } from "./formats";

export type ChannelForDelivery = { kind: string; name: string; config: unknown; secrets: Record<string, string> };
export type DeliveryDeps = { fetch?: typeof fetch; timeoutMs?: number };

export class DeliveryError extends Error {}

/** Sends one message on one channel; throws DeliveryError with a log-safe reason on failure. */
export async function deliver(channel: ChannelForDelivery, message: AlertMessage, deps: DeliveryDeps = {}): Promise<void> {
  const kind = channel.kind as ChannelKind;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  if (kind === "email") return sendEmail(channel, message, timeoutMs);
  const request = httpRequestFor(kind, channel, message);
  const doFetch = deps.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
  } catch (error) {
    throw new DeliveryError(`${hostOf(request.url)}: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`);
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) throw new DeliveryError(`${hostOf(request.url)} answered ${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ""}`);
}

export function httpRequestFor(kind: Exclude<ChannelKind, "email">, channel: ChannelForDelivery, message: AlertMessage): HttpDelivery {
  const need = (value: string | undefined, what: string) => {
    if (!value) throw new DeliveryError(`The channel has no ${what}.`);
    return value;
  };
  switch (kind) {
    case "webhook": {
      const config = channelConfigSchemas.webhook.parse(channel.config);
      const secrets = channelSecretSchemas.webhook.parse(channel.secrets);
      return webhookRequest(config.url, need(secrets.hmacKey, "signing key"), message);
    }
    case "slack":
      return slackRequest(need(channelSecretSchemas.slack.parse(channel.secrets).webhookUrl, "webhook URL"), message);
    case "teams":
      return teamsRequest(need(channelSecretSchemas.teams.parse(channel.secrets).webhookUrl, "webhook URL"), message);
    case "ntfy": {
      const config = channelConfigSchemas.ntfy.parse(channel.config);
      return ntfyRequest(config.serverUrl, config.topic, channelSecretSchemas.ntfy.parse(channel.secrets).token, message);
    }
    case "gotify": {
      const config = channelConfigSchemas.gotify.parse(channel.config);
      return gotifyRequest(config.serverUrl, need(channelSecretSchemas.gotify.parse(channel.secrets).appToken, "application token"), message);
    }
  }
}

async function sendEmail(channel: ChannelForDelivery, message: AlertMessage, timeoutMs: number): Promise<void> {
  const config = channelConfigSchemas.email.parse(channel.config);
  const { password } = channelSecretSchemas.email.parse(channel.secrets);
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.security === "tls",
    requireTLS: config.security === "starttls",
    ignoreTLS: config.security === "none",
    auth: config.username ? { user: config.username, pass: password ?? "" } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.sendMail({
      from: config.from,
      to: config.to,
      subject: message.subject,
      text: messageText(message),
      html: emailHtml(message),
      headers: { "X-PVE-Standby-Alert": message.alertId ?? "test", "X-PVE-Standby-Kind": message.kind },
    });
  } catch (error) {
    throw new DeliveryError(`SMTP ${config.host}:${config.port}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    transport.close();
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the channel";
  }
}
