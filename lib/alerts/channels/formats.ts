import crypto from "node:crypto";
import { messageText, type AlertMessage } from "../message";
import { WEBHOOK_SIGNATURE_HEADER } from "./channel-schemas";

/** One HTTP request a chat or webhook channel sends. */
export type HttpDelivery = { url: string; method: "POST"; headers: Record<string, string>; body: string };

const COLORS = { critical: "#dc2626", warning: "#d97706", info: "#16a34a" } as const;

export function signBody(key: string, body: string): string {
  return `sha256=${crypto.createHmac("sha256", key).update(body).digest("hex")}`;
}

/** Generic JSON webhook: the whole message, signed so the receiver can check it came from us. */
export function webhookRequest(url: string, hmacKey: string, message: AlertMessage): HttpDelivery {
  const body = JSON.stringify({ source: "pve-standby", version: 1, ...message });
  return { url, method: "POST", headers: { "content-type": "application/json", [WEBHOOK_SIGNATURE_HEADER]: signBody(hmacKey, body) }, body };
}

/** Slack incoming webhook: text fallback plus blocks. */
export function slackRequest(webhookUrl: string, message: AlertMessage): HttpDelivery {
  const fields = message.facts.filter((f) => f.label !== "Open").map((f) => ({ type: "mrkdwn", text: `*${f.label}*\n${escapeSlack(f.value)}` }));
  const body = {
    text: message.subject,
    blocks: [
      { type: "header", text: { type: "plain_text", text: message.subject.slice(0, 150) } },
      { type: "section", text: { type: "mrkdwn", text: escapeSlack(message.detail) } },
      ...(fields.length ? [{ type: "section", fields: fields.slice(0, 10) }] : []),
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in pve-standby" }, url: message.link }] },
    ],
  };
  return { url: webhookUrl, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** Microsoft Teams (Workflows "post to a channel when a webhook request is received"): an Adaptive Card. */
export function teamsRequest(webhookUrl: string, message: AlertMessage): HttpDelivery {
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      { type: "TextBlock", size: "Medium", weight: "Bolder", wrap: true, text: message.subject, color: message.severity === "info" ? "Good" : message.severity === "critical" ? "Attention" : "Warning" },
      { type: "TextBlock", wrap: true, text: message.detail },
      { type: "FactSet", facts: message.facts.filter((f) => f.label !== "Open").map((f) => ({ title: f.label, value: f.value })) },
    ],
    actions: [{ type: "Action.OpenUrl", title: "Open in pve-standby", url: message.link }],
  };
  const body = { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] };
  return { url: webhookUrl, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** ntfy JSON publishing (POST to the server root with the topic in the body). */
export function ntfyRequest(serverUrl: string, topic: string, token: string | undefined, message: AlertMessage): HttpDelivery {
  const priority = message.severity === "critical" ? 5 : message.severity === "warning" ? 4 : 3;
  const tags = message.kind === "resolved" ? ["white_check_mark"] : message.kind === "test" ? ["bell"] : ["rotating_light"];
  const body = { topic, title: message.subject, message: messageText(message), priority, tags, click: message.link };
  return {
    url: serverUrl.replace(/\/+$/, "/"),
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  };
}

/** Gotify: POST /message with the application token in X-Gotify-Key. */
export function gotifyRequest(serverUrl: string, appToken: string, message: AlertMessage): HttpDelivery {
  const priority = message.severity === "critical" ? 8 : message.severity === "warning" ? 5 : 2;
  const body = { title: message.subject, message: messageText(message), priority, extras: { "client::notification": { click: { url: message.link } } } };
  return { url: `${serverUrl.replace(/\/+$/, "")}/message`, method: "POST", headers: { "content-type": "application/json", "x-gotify-key": appToken }, body: JSON.stringify(body) };
}

export function emailHtml(message: AlertMessage): string {
  const color = COLORS[message.severity];
  const rows = message.facts.map((f) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(f.label)}</th><td>${f.label === "Open" ? `<a href="${escapeHtml(f.value)}">${escapeHtml(f.value)}</a>` : escapeHtml(f.value)}</td></tr>`);
  return `<div style="font-family:sans-serif"><h2 style="color:${color}">${escapeHtml(message.subject)}</h2><p>${escapeHtml(message.detail)}</p><table>${rows.join("")}</table></div>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
