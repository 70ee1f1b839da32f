import { z } from "zod";
import { parseEndpoint } from "./schemas";

// The recovery credential as the admin form sends it and as the page reads it back (never
// with the secret). Client-safe.

export const DEFAULT_SSH_PORT = 22;
const nodeName = z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/, "not a node name");

/** A node's SSH address as typed: `host` or `host:port` (IPv6 in brackets); empty = the address Proxmox reports. */
export const sshAddressSchema = z.string().trim().max(300).transform((raw, ctx) => {
  if (raw === "") return null;
  const parsed = parseEndpoint(raw);
  if (typeof parsed === "string") {
    ctx.addIssue({ code: "custom", message: parsed });
    return z.NEVER;
  }
  return { host: parsed.host, port: /(^|[^:]):\d+$|\]:\d+$/.test(raw) ? parsed.port : null };
});
export type SshAddress = { host: string; port: number | null };

export const recoveryCredentialInputSchema = z
  .object({
    username: z.string().trim().regex(/^[a-z_][a-z0-9_.-]*$/i, "not a user name").max(32).default("root"),
    port: z.coerce.number().int().min(1, "1–65535").max(65535, "1–65535").default(DEFAULT_SSH_PORT),
    authKind: z.enum(["password", "key"]),
    /** Blank keeps the stored secret (when the kind is unchanged). */
    password: z.string().max(1024).optional(),
    privateKey: z.string().max(32_000).optional(),
    passphrase: z.string().max(1024).optional(),
    nodeAddresses: z.record(nodeName, sshAddressSchema).default({}),
  })
  .superRefine((v, ctx) => {
    if (v.authKind === "key" && v.privateKey?.trim() && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v.privateKey)) {
      ctx.addIssue({ code: "custom", path: ["privateKey"], message: "Paste an OpenSSH or PEM private key (-----BEGIN … PRIVATE KEY-----)." });
    }
  });
export type RecoveryCredentialInput = z.infer<typeof recoveryCredentialInputSchema>;

export const trustHostKeySchema = z.object({ node: nodeName, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "not a SHA256 fingerprint") });

export type NodeTestResult = { node: string; ok: boolean; message: string };

export type RecoveryNodeView = {
  node: string;
  online: boolean;
  /** The address Proxmox reports for the node (/cluster/status `ip`). */
  reportedAddress: string | null;
  ssh: { host: string | null; port: number; overridden: boolean };
  hostKey: { fingerprint: string; pinnedAt: string } | null;
  /** A different key a connection was offered and refused, until an admin trusts it. */
  offered: { fingerprint: string; offeredAt: string } | null;
};

export type RecoveryCredentialView = {
  configured: boolean;
  username: string;
  port: number;
  authKind: "password" | "key" | null;
  updatedByLabel: string | null;
  updatedAt: string | null;
  nodes: RecoveryNodeView[];
  lastTestAt: string | null;
  lastTest: NodeTestResult[] | null;
};
