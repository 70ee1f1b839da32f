import { z } from "zod";

// Client-safe input schemas for the clusters pages: the wizard validates with them, the routes
// validate again. Fields stay flat so each error lands on the form field that caused it.

export const DEFAULT_PVE_PORT = 8006;
const MAX_ENDPOINTS = 16;

// pve-access-control Auth/Plugin.pm: user `[^\s:/]+`, realm and token name `[A-Za-z][A-Za-z0-9\.\-_]+`.
const NAME_PART = "[A-Za-z][A-Za-z0-9.\\-_]+";
export const TOKEN_ID_RE = new RegExp(`^[^\\s:/@!]+@${NAME_PART}!${NAME_PART}$`);
export const USER_ID_RE = new RegExp(`^[^\\s:/@!]+@${NAME_PART}$`);
const FINGERPRINT_RE = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;
const HOSTNAME_RE = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_RE = /^[0-9A-Fa-f:.]+(%[\w.-]+)?$/;

export type ClusterEndpoint = { host: string; port: number };

/** One address as typed: `host`, `host:port`, `[v6]` or `[v6]:port`. Returns the endpoint or a message. */
export function parseEndpoint(raw: string): ClusterEndpoint | string {
  const text = raw.trim().replace(/^https?:\/\//i, "").replace(/\/.*$/, "");
  let host = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? "";
    portText = bracketed[2];
    if (!host.includes(":") || !IPV6_RE.test(host)) return `"${raw.trim()}" is not an IPv6 address in brackets.`;
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [host, portText] = text.split(":") as [string, string];
  } else if (text.includes(":")) {
    if (!IPV6_RE.test(text)) return `"${raw.trim()}" is not a valid address.`;
    return { host: text, port: DEFAULT_PVE_PORT };
  }
  if (!bracketed && !IPV4_RE.test(host) && !HOSTNAME_RE.test(host)) return `"${raw.trim()}" is not a host name or IP address.`;
  if (/^\d+(\.\d+)*$/.test(host) && !IPV4_RE.test(host)) return `"${raw.trim()}" is not a valid IPv4 address.`;
  if (portText === undefined || portText === "") return { host: host.toLowerCase(), port: DEFAULT_PVE_PORT };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return `"${raw.trim()}" has an invalid port (1–65535).`;
  return { host: host.toLowerCase(), port };
}

/** `host:port` with brackets around IPv6, as shown in the UI and typed back into the form. */
export function formatEndpoint(e: ClusterEndpoint): string {
  return `${e.host.includes(":") ? `[${e.host}]` : e.host}:${e.port}`;
}

/** Addresses separated by new lines, commas or spaces; duplicates are dropped, order is kept (first is tried first). */
export const endpointsSchema = z.string().transform((text, ctx): ClusterEndpoint[] => {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0) {
    ctx.addIssue({ code: "custom", message: "Enter at least one node address, e.g. pve1.example.com or 10.0.0.11:8006." });
    return z.NEVER;
  }
  const out: ClusterEndpoint[] = [];
  for (const part of parts) {
    const parsed = parseEndpoint(part);
    if (typeof parsed === "string") {
      ctx.addIssue({ code: "custom", message: parsed });
      return z.NEVER;
    }
    if (!out.some((e) => e.host === parsed.host && e.port === parsed.port)) out.push(parsed);
  }
  if (out.length > MAX_ENDPOINTS) {
    ctx.addIssue({ code: "custom", message: `At most ${MAX_ENDPOINTS} addresses.` });
    return z.NEVER;
  }
  return out;
});

/** Accepts `aa:bb…`, `AABB…` or `sha256//…`; returns Proxmox's uppercase colon form, or undefined. */
export function normalizeFingerprintText(input: string): string | undefined {
  const hex = input.trim().replace(/^sha256\/\//i, "").replace(/[:\s]/g, "").toUpperCase();
  const formatted = hex.match(/.{1,2}/g)?.join(":") ?? "";
  return FINGERPRINT_RE.test(formatted) ? formatted : undefined;
}

export const fingerprintListSchema = z
  .array(z.string())
  .transform((list, ctx) => {
    const out: string[] = [];
    for (const item of list) {
      const fp = normalizeFingerprintText(item);
      if (!fp) {
        ctx.addIssue({ code: "custom", message: `"${item.trim().slice(0, 40)}" is not a SHA-256 fingerprint (32 bytes in hex, e.g. AB:CD:…).` });
        return z.NEVER;
      }
      if (!out.includes(fp)) out.push(fp);
    }
    return out;
  })
  .refine((list) => list.length > 0, "Confirm the certificate, or paste a fingerprint.");

const pemSchema = z
  .string()
  .trim()
  .max(20_000, "That is too long for one certificate.")
  .refine((s) => /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(s), "Paste the PEM text, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.");

export const AUTH_KINDS = ["token", "ticket"] as const;
export const TRUST_KINDS = ["fingerprint", "ca"] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];
export type TrustKind = (typeof TRUST_KINDS)[number];

const nameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name, e.g. the data-centre or the Proxmox cluster name.")
  .max(64, "At most 64 characters.");

/** What a connection needs: addresses, credentials and trust. `secret` may be empty only when editing (keep the stored one). */
const connectionShape = {
  endpoints: endpointsSchema,
  authKind: z.enum(AUTH_KINDS),
  principal: z.string().trim(),
  secret: z.string().max(512, "That is too long.").optional(),
  trustKind: z.enum(TRUST_KINDS),
  fingerprints: z.array(z.string()).max(64).optional(),
  caPem: z.string().optional(),
};

type ConnectionFields = {
  authKind: AuthKind;
  principal: string;
  secret?: string;
  trustKind: TrustKind;
  fingerprints?: string[];
  caPem?: string;
};

function checkConnection(v: ConnectionFields, ctx: z.RefinementCtx, opts: { secretRequired: boolean; trustRequired: boolean }) {
  const token = v.authKind === "token";
  if (!(token ? TOKEN_ID_RE : USER_ID_RE).test(v.principal)) {
    ctx.addIssue({
      code: "custom",
      path: ["principal"],
      message: token ? "Use the full token id: user@realm!tokenname, e.g. standby@pve!monitor." : "Use user@realm, e.g. standby@pve or root@pam.",
    });
  }
  if (opts.secretRequired && !v.secret?.trim()) {
    ctx.addIssue({ code: "custom", path: ["secret"], message: token ? "Enter the token secret (shown once when the token was created)." : "Enter the password." });
  }
  if (!opts.trustRequired && v.fingerprints === undefined && v.caPem === undefined) return;
  if (v.trustKind === "ca") {
    const pem = pemSchema.safeParse(v.caPem ?? "");
    if (!pem.success) ctx.addIssue({ code: "custom", path: ["caPem"], message: pem.error.issues[0]?.message ?? "Paste the CA certificate." });
  } else {
    const fps = fingerprintListSchema.safeParse(v.fingerprints ?? []);
    if (!fps.success) ctx.addIssue({ code: "custom", path: ["fingerprints"], message: fps.error.issues[0]?.message ?? "Confirm the certificate." });
  }
}

// Run the cross-field checks even when name or addresses are wrong, so the form shows every error at once.
const CHECKED_KEYS = new Set(["authKind", "principal", "secret", "trustKind", "fingerprints", "caPem"]);
const whenConnectionParsed = { when: (payload: z.core.ParsePayload) => !payload.issues.some((i) => CHECKED_KEYS.has(String(i.path?.[0]))) };

export const createClusterSchema = z
  .object({ name: nameSchema, ...connectionShape })
  .superRefine((v, ctx) => checkConnection(v, ctx, { secretRequired: true, trustRequired: true }), whenConnectionParsed);
export type CreateClusterInput = z.infer<typeof createClusterSchema>;

/**
 * Editing: an empty secret keeps the stored one; trust left out (no fingerprints and no CA)
 * keeps the stored pins. Changing connection fields is tested before it is saved.
 */
export const updateClusterSchema = z
  .object({ name: nameSchema, ...connectionShape })
  .superRefine((v, ctx) => checkConnection(v, ctx, { secretRequired: false, trustRequired: false }), whenConnectionParsed);
export type UpdateClusterInput = z.infer<typeof updateClusterSchema>;

/** The wizard's connection test; `clusterId` lets an edit test reuse the stored secret and trust. */
export const testClusterSchema = z
  .object({ ...connectionShape, clusterId: z.string().max(64).optional() })
  .superRefine((v, ctx) => checkConnection(v, ctx, { secretRequired: !v.clusterId, trustRequired: !v.clusterId }), whenConnectionParsed);
export type TestClusterInput = z.infer<typeof testClusterSchema>;

export const probeClusterSchema = z.object({ endpoints: endpointsSchema });

export const setClusterEnabledSchema = z.object({ enabled: z.boolean() });

export const setFailbackAutoHoldSchema = z.object({ failbackAutoHold: z.boolean({ message: "Say whether to hold automatically (true or false)." }) });

export const deleteClusterSchema = z.object({ keepHistory: z.boolean({ message: "Choose whether to keep the history." }) });
