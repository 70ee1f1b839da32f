import type { ClusterModel } from "./cluster";

// Proxmox VE notifications (PVE 8.3+, proxmox-notify; pve-docs notifications.adoc): webhook
// targets, matchers, and the two notifications pve-standby cares about, replication failure
// (PVE/API2/Replication.pm _handle_job_err) and HA fencing. Sends over real HTTP(S).

export type Webhook = {
  name: string;
  url: string;
  method: "post" | "put" | "get";
  header: { name: string; value: string }[];
  secret: { name: string; value: string }[];
  body?: string;
  comment?: string;
  disable?: boolean;
};

export type Matcher = {
  name: string;
  target: string[];
  matchField: string[];
  matchSeverity: string[];
  mode: "all" | "any";
  invertMatch: boolean;
  comment?: string;
  disable?: boolean;
};

export type Notification = {
  severity: "info" | "notice" | "warning" | "error";
  title: string;
  message: string;
  /** Metadata fields matchers look at (type, hostname, job-id). */
  fields: Record<string, string>;
  timestamp: number;
};

export type SentNotification = { target: string; url: string; status: number | null; error?: string; notification: Notification };

/**
 * `_should_mail_at_failcount`: 1, 2, 3, then only at 48·2^k (about 1, 2, 4, 8 days of 30-minute
 * retries); 0 never.
 */
export function shouldNotifyAtFailCount(failCount: number): boolean {
  if (failCount <= 0) return false;
  if (failCount <= 3) return true;
  if (failCount % 48 !== 0) return false;
  const k = failCount / 48;
  return (k & (k - 1)) === 0;
}

/** Parses `name=<name>,value=<base64>` property strings as the API takes them for header and secret. */
export function parseNameValue(entry: string): { name: string; value: string } {
  const parts = Object.fromEntries(entry.split(",").map((p) => {
    const i = p.indexOf("=");
    return i < 0 ? [p, ""] : [p.slice(0, i), p.slice(i + 1)];
  }));
  if (!parts.name) throw new Error(`missing 'name' in '${entry}'`);
  return { name: parts.name, value: parts.value ? Buffer.from(parts.value, "base64").toString("utf8") : "" };
}

/**
 * The Handlebars subset webhook templates use: {{ title }}, {{ message }}, {{ severity }},
 * {{ timestamp }}, {{ fields.x }}, {{ secrets.x }}, and the helpers json, escape, url-encode.
 */
export function renderTemplate(template: string, data: { title: string; message: string; severity: string; timestamp: number; fields: Record<string, string>; secrets: Record<string, string> }): string {
  const lookup = (path: string): unknown => {
    if (path === "fields") return data.fields;
    if (path.startsWith("fields.")) return data.fields[path.slice(7)] ?? "";
    if (path.startsWith("secrets.")) return data.secrets[path.slice(8)] ?? "";
    if (path === "title" || path === "message" || path === "severity" || path === "timestamp") return data[path];
    return "";
  };
  return template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    const [first, arg] = expr.split(/\s+/, 2) as [string, string | undefined];
    if (arg !== undefined) {
      const value = lookup(arg);
      if (first === "json") return JSON.stringify(value);
      if (first === "url-encode") return encodeURIComponent(String(value));
      if (first === "escape") return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      return "";
    }
    const value = lookup(first);
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

export function matches(matcher: Matcher, n: Notification): boolean {
  if (matcher.disable) return false;
  const rules: boolean[] = [
    ...matcher.matchField.map((rule) => {
      const m = /^(exact|regex):([^=]+)=(.*)$/.exec(rule);
      if (!m) return false;
      const value = n.fields[m[2] as string];
      if (value === undefined) return false;
      return m[1] === "exact" ? (m[3] as string).split(",").includes(value) : new RegExp(m[3] as string).test(value);
    }),
    ...(matcher.matchSeverity.length ? [matcher.matchSeverity.flatMap((s) => s.split(",")).includes(n.severity)] : []),
  ];
  const result = rules.length === 0 ? true : matcher.mode === "any" ? rules.some(Boolean) : rules.every(Boolean);
  return matcher.invertMatch ? !result : result;
}

export class SimNotifications {
  readonly webhooks = new Map<string, Webhook>();
  readonly matchers = new Map<string, Matcher>();
  readonly sent: SentNotification[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly fetchImpl: typeof fetch = fetch) {}

  /** Routes a notification through the matchers to their webhook targets (fire and forget). */
  emit(n: Notification): void {
    const targets = new Set<string>();
    for (const m of this.matchers.values()) if (matches(m, n)) for (const t of m.target) targets.add(t);
    for (const name of targets) {
      const hook = this.webhooks.get(name);
      if (hook && !hook.disable) this.send(hook, n);
    }
  }

  send(hook: Webhook, n: Notification): Promise<void> {
    const secrets = Object.fromEntries(hook.secret.map((s) => [s.name, s.value]));
    const data = { ...n, secrets };
    const url = renderTemplate(hook.url, data);
    const headers = Object.fromEntries(hook.header.map((h) => [h.name, renderTemplate(h.value, data)]));
    const body = hook.method === "get" || hook.body === undefined ? undefined : renderTemplate(hook.body, data);
    const record: SentNotification = { target: hook.name, url, status: null, notification: n };
    this.sent.push(record);
    const p = this.fetchImpl(url, { method: hook.method.toUpperCase(), headers, body, signal: AbortSignal.timeout(10_000) })
      .then(async (res) => {
        record.status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      })
      .catch((error: unknown) => {
        // proxmox-notify logs a failed send and moves on; the record says what happened.
        record.error = error instanceof Error ? error.message : String(error);
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  /** Waits for the sends in flight (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

const byModel = new WeakMap<ClusterModel, SimNotifications>();

/** The notification configuration of one simulated cluster (cluster-wide, like /etc/pve/notifications.cfg). */
export function notificationsOf(model: ClusterModel): SimNotifications {
  let n = byModel.get(model);
  if (!n) {
    n = new SimNotifications();
    byModel.set(model, n);
  }
  return n;
}

const iso = (t: number) => (t > 0 ? new Date(t * 1000).toISOString().replace("T", " ").slice(0, 19) : "never");

/** `_handle_job_err`: the replication-failed notification, sent only at the gated fail counts. */
export function replicationFailedNotification(info: { node: string; jobId: string; target: string; schedule: string; failCount: number; lastSync: number; nextSync: number; error: string; at: number }): Notification {
  const stuck = info.failCount === 3 ? "\nNote: The system  will now reduce the frequency of error reports, as the job\nappears to be stuck.\n" : "";
  return {
    severity: "error",
    title: `Replication Job: '${info.jobId}' failed`,
    message: `Replication job '${info.jobId}' with target '${info.target}' and schedule '${info.schedule}' failed!\n\nLast successful sync: ${iso(info.lastSync)}\nNext sync try: ${iso(info.nextSync)}\nFailure count: ${info.failCount}\n${stuck}\nError:\n${info.error}\n`,
    fields: { type: "replication", "job-id": info.jobId, hostname: info.node.split(".")[0] as string },
    timestamp: Math.floor(info.at),
  };
}

/** pve-ha-manager's fence notification for a node the CRM is fencing. */
export function fencingNotification(node: string, at: number): Notification {
  return {
    severity: "error",
    title: `FENCE: Try to fence node '${node}'`,
    message: `The node '${node}' failed and needs manual intervention.\n\nThe PVE HA manager tries to fence it and recover the configured HA resources to a healthy node if possible.\n`,
    fields: { type: "fencing", hostname: node },
    timestamp: Math.floor(at),
  };
}
