"use client";

import { useState } from "react";
import { StatusBadge } from "@/components/status-badge";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { CHANNEL_KINDS, CHANNEL_LABELS, type ChannelKind } from "@/lib/alerts/channels/channel-schemas";
import type { PublicChannel } from "@/lib/alerts/channels/channel-store";
import { useAction } from "./use-action";

type Field = { name: string; label: string; secret?: boolean; type?: string; hint?: string; list?: boolean; number?: boolean };

const FIELDS: Record<ChannelKind, Field[]> = {
  email: [
    { name: "host", label: "SMTP host" },
    { name: "port", label: "Port", number: true, hint: "587 with STARTTLS, 465 with TLS" },
    { name: "security", label: "Security", hint: "starttls, tls or none (none only for a relay on this machine)" },
    { name: "username", label: "User (empty: no authentication)" },
    { name: "password", label: "Password", secret: true, type: "password" },
    { name: "from", label: "From" },
    { name: "to", label: "To (comma-separated)", list: true },
  ],
  webhook: [
    { name: "url", label: "URL" },
    { name: "hmacKey", label: "Signing key (HMAC-SHA256, at least 16 characters)", secret: true, type: "password" },
  ],
  slack: [{ name: "webhookUrl", label: "Incoming webhook URL", secret: true, type: "password" }],
  teams: [{ name: "webhookUrl", label: "Workflows webhook URL", secret: true, type: "password" }],
  ntfy: [
    { name: "serverUrl", label: "Server URL", hint: "https://ntfy.sh or your own" },
    { name: "topic", label: "Topic" },
    { name: "token", label: "Access token (optional)", secret: true, type: "password" },
  ],
  gotify: [
    { name: "serverUrl", label: "Server URL" },
    { name: "appToken", label: "Application token", secret: true, type: "password" },
  ],
};

const DEFAULTS: Partial<Record<string, string>> = { port: "587", security: "starttls", serverUrl: "" };

export function ChannelsSection({ channels }: { channels: PublicChannel[] }) {
  return (
    <section aria-labelledby="channels-heading" className="grid gap-4">
      <div>
        <h2 id="channels-heading" className="text-lg font-semibold">
          Channels
        </h2>
        <p className="text-muted-foreground text-sm">
          Every alert goes to every enabled channel whose minimum severity it meets. Secrets are stored encrypted and never shown again; leave a secret empty when editing to keep it.
          Webhook bodies carry <code>X-PVE-Standby-Signature: sha256=&lt;hex HMAC of the body&gt;</code>.
        </p>
      </div>
      {channels.length === 0 ? (
        <Alert>
          <AlertDescription>No channel yet: alerts show on the Alerts page but nobody is notified.</AlertDescription>
        </Alert>
      ) : (
        <ul className="divide-y rounded-lg border">
          {channels.map((c) => (
            <ChannelRow key={c.id} channel={c} />
          ))}
        </ul>
      )}
      <NewChannelForm />
    </section>
  );
}

function ChannelRow({ channel }: { channel: PublicChannel }) {
  const test = useAction();
  const remove = useAction();
  const [result, setResult] = useState<string | null>(null);
  return (
    <li className="grid gap-2 p-3 text-sm" data-testid="alert-channel">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{channel.name}</span>
        <span className="text-muted-foreground">{CHANNEL_LABELS[channel.kind]}</span>
        {!channel.enabled && <StatusBadge status="unknown">disabled</StatusBadge>}
        {channel.lastError && (!channel.lastOkAt || (channel.lastErrorAt ?? "") > channel.lastOkAt) ? <StatusBadge status="fail">failing</StatusBadge> : channel.lastOkAt ? <StatusBadge status="ok">delivered</StatusBadge> : null}
        <div className="ml-auto flex gap-2">
          <Button
            size="sm"
            variant="outline"
            disabled={test.busy}
            onClick={async () => {
              const r = await test.run<{ ok: boolean; error?: string }>(`/api/alerts/channels/${channel.id}/test`, "POST", {});
              if (r) setResult(r.ok ? "Test sent." : `Test failed: ${r.error}`);
            }}
          >
            Send test
          </Button>
          <Button size="sm" variant="ghost" disabled={remove.busy} onClick={() => confirm(`Delete channel ${channel.name}?`) && remove.run(`/api/alerts/channels/${channel.id}`, "DELETE", {})}>
            Delete
          </Button>
        </div>
      </div>
      <div className="text-muted-foreground text-xs">
        Minimum severity {channel.minSeverity} · secrets set: {channel.secretsSet.join(", ") || "none"} · queued {channel.pending}
        {channel.nextAttemptAt ? ` (next attempt ${channel.nextAttemptAt.replace("T", " ").slice(0, 19)} UTC)` : ""} · given up {channel.failed}
        {channel.lastOkAt && ` · last delivered ${channel.lastOkAt.replace("T", " ").slice(0, 19)} UTC`}
      </div>
      {channel.lastError && <div className="text-status-fail text-xs break-all">Last error: {channel.lastError}</div>}
      {(result || test.error || remove.error) && (
        <div role="status" className="text-xs">
          {result ?? test.error ?? remove.error}
        </div>
      )}
    </li>
  );
}

function NewChannelForm() {
  const [kind, setKind] = useState<ChannelKind>("email");
  const [name, setName] = useState("");
  const [minSeverity, setMinSeverity] = useState<"warning" | "critical">("warning");
  const [values, setValues] = useState<Record<string, string>>({});
  const create = useAction();
  const fields = FIELDS[kind];
  return (
    <form
      className="grid gap-3 rounded-lg border p-4"
      aria-label="New channel"
      onSubmit={async (e) => {
        e.preventDefault();
        const config: Record<string, unknown> = {};
        const secrets: Record<string, string> = {};
        for (const f of fields) {
          const v = (values[f.name] ?? DEFAULTS[f.name] ?? "").trim();
          if (f.secret) secrets[f.name] = v;
          else if (f.number) config[f.name] = Number(v);
          else if (f.list) config[f.name] = v.split(",").map((x) => x.trim()).filter(Boolean);
          else if (v !== "") config[f.name] = v;
        }
        const ok = await create.run("/api/alerts/channels", "POST", { name, kind, enabled: true, minSeverity, config, secrets });
        if (ok) {
          setName("");
          setValues({});
        }
      }}
    >
      <h3 className="font-medium">Add a channel</h3>
      <div className="grid gap-3 sm:grid-cols-3">
        <div className="grid gap-1.5">
          <Label htmlFor="channel-kind">Kind</Label>
          <select id="channel-kind" className="border-input bg-background h-9 rounded-md border px-2 text-sm" value={kind} onChange={(e) => setKind(e.target.value as ChannelKind)}>
            {CHANNEL_KINDS.map((k) => (
              <option key={k} value={k}>
                {CHANNEL_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="channel-name">Name</Label>
          <Input id="channel-name" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="channel-severity">Minimum severity</Label>
          <select id="channel-severity" className="border-input bg-background h-9 rounded-md border px-2 text-sm" value={minSeverity} onChange={(e) => setMinSeverity(e.target.value as "warning" | "critical")}>
            <option value="warning">warning</option>
            <option value="critical">critical</option>
          </select>
        </div>
        {fields.map((f) => (
          <div key={`${kind}-${f.name}`} className="grid gap-1.5">
            <Label htmlFor={`channel-${f.name}`}>{f.label}</Label>
            <Input
              id={`channel-${f.name}`}
              type={f.type ?? "text"}
              autoComplete="off"
              value={values[f.name] ?? DEFAULTS[f.name] ?? ""}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
            />
            {f.hint && <span className="text-muted-foreground text-xs">{f.hint}</span>}
          </div>
        ))}
      </div>
      {create.error && (
        <Alert variant="destructive">
          <AlertDescription>{create.error}</AlertDescription>
        </Alert>
      )}
      <div>
        <Button type="submit" disabled={create.busy}>
          Add channel
        </Button>
      </div>
    </form>
  );
}
