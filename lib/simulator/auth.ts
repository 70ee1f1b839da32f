import { createHmac, timingSafeEqual } from "node:crypto";

import { safeDecode } from "./api-schema";
import { PveApiError, permissionDenied } from "./errors";

/**
 * Users, API tokens, tickets and privileges (pve-access-control AccessControl.pm,
 * RPCEnvironment.pm; pve-common Ticket.pm). Two identities exist: root@pam (role
 * Administrator on /) with a password and a token, and auditor@pve whose token has the
 * built-in PVEAuditor role on / so permission errors can be tested.
 */

export type Credentials = {
  rootPassword: string;
  /** `user@realm!tokenid` of root's token. */
  tokenId: string;
  tokenSecret: string;
  auditorTokenId: string;
  auditorTokenSecret: string;
  /** Key for ticket and CSRF signatures. */
  ticketKey: string;
};

export const DEFAULT_CREDENTIALS: Omit<Credentials, "ticketKey"> = {
  rootPassword: "simulator",
  tokenId: "root@pam!standby",
  tokenSecret: "5e1f0c3a-8d2b-4c6e-9a7f-3b2d1c0e9f8a",
  auditorTokenId: "auditor@pve!monitor",
  auditorTokenSecret: "0b7a9c4e-2f1d-4e8b-a6c3-9d5e7f1a2b4c",
};

export type AuthContext = {
  userid: string;
  /** Set when the request came with an API token. */
  tokenid?: string;
  via: "ticket" | "token";
  role: Role;
};

export type Role = "Administrator" | "PVEAuditor";

const ALL_PRIVILEGES = [
  "Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.AllocateTemplate", "Datastore.Audit",
  "Group.Allocate", "Mapping.Audit", "Mapping.Modify", "Mapping.Use", "Permissions.Modify",
  "Pool.Allocate", "Pool.Audit", "Realm.Allocate", "Realm.AllocateUser",
  "SDN.Allocate", "SDN.Audit", "SDN.Use",
  "Sys.AccessNetwork", "Sys.Audit", "Sys.Console", "Sys.Incoming", "Sys.Modify", "Sys.PowerMgmt", "Sys.Syslog",
  "User.Modify", "VM.Allocate", "VM.Audit", "VM.Backup", "VM.Clone", "VM.Config.CDROM", "VM.Config.CPU",
  "VM.Config.Cloudinit", "VM.Config.Disk", "VM.Config.HWType", "VM.Config.Memory", "VM.Config.Network",
  "VM.Config.Options", "VM.Console", "VM.GuestAgent.Audit", "VM.Migrate", "VM.PowerMgmt", "VM.Replicate",
  "VM.Snapshot", "VM.Snapshot.Rollback",
];

// PVEAuditor: the audit privileges of every group (AccessControl.pm $privgroups, "audit" lists).
const ROLE_PRIVILEGES: Record<Role, ReadonlySet<string>> = {
  Administrator: new Set(ALL_PRIVILEGES),
  PVEAuditor: new Set(["Datastore.Audit", "Mapping.Audit", "Pool.Audit", "SDN.Audit", "Sys.Audit", "VM.Audit", "VM.GuestAgent.Audit"]),
};

const PERMISSION_PATHS = ["/", "/access", "/access/groups", "/mapping", "/nodes", "/pool", "/sdn", "/storage", "/vms"];

/** Tickets live two hours and may be up to five minutes in the future (clock skew), as in Ticket.pm. */
const TICKET_LIFETIME = 7200;
const TICKET_MIN_AGE = -300;

export class AuthService {
  constructor(private readonly creds: Credentials) {}

  /** Authenticates a request (not POST /access/ticket); throws 401 like pve-http-server's auth_handler. */
  authenticate(method: string, headers: Record<string, string>, now: number): AuthContext {
    const cookie = parseCookie(headers["cookie"] ?? "")["PVEAuthCookie"];
    const authorization = headers["authorization"] ?? "";
    const headerTicket = /^PVEAuthCookie=(.+)$/.exec(authorization)?.[1];
    const ticket = cookie ?? headerTicket;
    // A ticket wins over a token when both are sent (AnyEvent.pm).
    if (ticket !== undefined) {
      const userid = this.verifyTicket(safeDecode(ticket), now);
      if (!userid) throw new PveApiError(401, "Authentication failed!");
      if (method !== "GET" && !this.verifyCsrf(headers["csrfpreventiontoken"] ?? "", userid, now)) {
        throw new PveApiError(401, "Permission denied - invalid csrf token");
      }
      return { userid, via: "ticket", role: roleOf(userid) };
    }
    const token = /^PVEAPIToken[= ](.+)$/.exec(authorization)?.[1];
    if (token !== undefined) {
      const m = /^(([^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+)!([A-Za-z][A-Za-z0-9.\-_]+))[=\s](.+)$/.exec(safeDecode(token).trim());
      if (!m) throw new PveApiError(401, "Authentication failed!");
      const [, fullId, userid, , secret] = m as unknown as [string, string, string, string, string];
      const expected =
        fullId === this.creds.tokenId ? this.creds.tokenSecret : fullId === this.creds.auditorTokenId ? this.creds.auditorTokenSecret : undefined;
      if (!expected || !constantEqual(expected, secret)) throw new PveApiError(401, "Authentication failed!");
      return { userid, tokenid: fullId, via: "token", role: roleOf(userid) };
    }
    throw new PveApiError(401, "No ticket");
  }

  /** POST /access/ticket: password login or ticket renewal (password = a valid ticket). */
  login(username: string, password: string, realm: string | undefined, now: number): string | undefined {
    const userid = username.includes("@") ? username : `${username}@${realm ?? "pam"}`;
    if (password.startsWith("PVE:")) return this.verifyTicket(password, now) === userid ? userid : undefined;
    if (userid === "root@pam" && constantEqual(this.creds.rootPassword, password)) return userid;
    return undefined;
  }

  createTicket(userid: string, now: number): string {
    const plain = `PVE:${userid}:${hex8(now)}`;
    return `${plain}::${this.sign(plain)}`;
  }

  createCsrfToken(userid: string, now: number): string {
    const ts = hex8(now);
    return `${ts}:${this.sign(`${ts}:${userid}`)}`;
  }

  private verifyTicket(ticket: string, now: number): string | undefined {
    const m = /^(PVE:([^:\s]+):([0-9A-F]{8}))::(.+)$/.exec(ticket);
    if (!m) return undefined;
    const [, plain, userid, ts, sig] = m as unknown as [string, string, string, string, string];
    if (!constantEqual(this.sign(plain), sig)) return undefined;
    const age = now - parseInt(ts, 16);
    return age >= TICKET_MIN_AGE && age <= TICKET_LIFETIME ? userid : undefined;
  }

  private verifyCsrf(token: string, userid: string, now: number): boolean {
    const m = /^([0-9A-F]{8}):(.+)$/.exec(token);
    if (!m) return false;
    const age = now - parseInt(m[1] as string, 16);
    return constantEqual(this.sign(`${m[1]}:${userid}`), m[2] as string) && age >= TICKET_MIN_AGE && age <= TICKET_LIFETIME;
  }

  private sign(text: string): string {
    return createHmac("sha256", this.creds.ticketKey).update(text).digest("base64").replace(/=+$/, "");
  }
}

export function hasPrivilege(ctx: AuthContext, _path: string, priv: string): boolean {
  // Both roles are granted on / with propagation, so the path never narrows them here.
  return ROLE_PRIVILEGES[ctx.role].has(priv);
}

/** The declarative part of an endpoint's `permissions.check` (RPCEnvironment check_api2_permissions). */
export function checkPermissionSpec(ctx: AuthContext, check: unknown[] | undefined, params: Record<string, string>): void {
  if (!check || check[0] !== "perm") return;
  const path = String(check[1]).replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? "");
  const privs = (check[2] as string[]) ?? [];
  const any = check.includes("any");
  const ok = any ? privs.some((p) => hasPrivilege(ctx, path, p)) : privs.every((p) => hasPrivilege(ctx, path, p));
  if (!ok) permissionDenied(`${path}, ${any ? privs.join("|") : privs.find((p) => !hasPrivilege(ctx, path, p))}`);
}

/** Dies with Proxmox's 403 text unless the caller holds `priv` on `path`. */
export function requirePrivilege(ctx: AuthContext, path: string, priv: string): void {
  if (!hasPrivilege(ctx, path, priv)) permissionDenied(`${path}, ${priv}`);
}

/** GET /access/permissions: path → privilege → 1 (propagating). */
export function permissionMap(ctx: AuthContext, path?: string): Record<string, Record<string, number>> {
  const privs = Object.fromEntries([...ROLE_PRIVILEGES[ctx.role]].map((p) => [p, 1]));
  const paths = path ? [path] : PERMISSION_PATHS;
  return Object.fromEntries(paths.map((p) => [p, { ...privs }]));
}

/** The `cap` object of a ticket answer, grouped like the GUI expects. */
export function capabilities(ctx: AuthContext): Record<string, Record<string, number>> {
  const groups: Record<string, string[]> = {
    vms: ["VM."], storage: ["Datastore."], nodes: ["Sys."], access: ["User.", "Group.", "Permissions.", "Realm."],
    dc: ["Sys.Audit", "Sys.Modify", "SDN.", "Mapping."], sdn: ["SDN."], mapping: ["Mapping."],
  };
  const privs = [...ROLE_PRIVILEGES[ctx.role]];
  return Object.fromEntries(
    Object.entries(groups).map(([g, prefixes]) => [g, Object.fromEntries(privs.filter((p) => prefixes.some((x) => p.startsWith(x))).map((p) => [p, 1]))]),
  );
}

function roleOf(userid: string): Role {
  return userid === "root@pam" ? "Administrator" : "PVEAuditor";
}

function hex8(t: number): string {
  return Math.floor(t).toString(16).toUpperCase().padStart(8, "0");
}

function parseCookie(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

function constantEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
