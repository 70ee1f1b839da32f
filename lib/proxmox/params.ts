import { PveParameterError } from "./errors";

declare const pvePathBrand: unique symbol;

/**
 * An API path built by `pvePath` inside this module. The client accepts nothing else, so no
 * route handler can hand a user-supplied path to Proxmox by accident.
 */
export type PvePath = string & { readonly [pvePathBrand]: true };

export type PveParamValue = string | number | boolean | readonly string[] | undefined | null;
export type PveParams = Record<string, PveParamValue>;

/**
 * Tagged template for API paths: each interpolated value is one path segment, percent-encoded,
 * and must not be empty, "." or "..": `pvePath\`/nodes/${node}/replication/${id}/status\``.
 */
export function pvePath(strings: TemplateStringsArray, ...segments: (string | number)[]): PvePath {
  let out = strings[0] ?? "";
  segments.forEach((segment, i) => {
    const text = String(segment);
    if (text === "" || text === "." || text === "..") throw new TypeError(`Invalid path segment '${text}'`);
    out += encodeURIComponent(text) + (strings[i + 1] ?? "");
  });
  return out as PvePath;
}

/**
 * Form/query encoding as Proxmox's JSON-schema validator expects it: booleans as `1`/`0` (it
 * rejects `true`: "type check ('boolean') failed - got 'true'", pve-common JSONSchema.pm),
 * lists as comma-separated strings (`delete`, `statusfilter`), unset values left out.
 */
export function encodeParams(params: PveParams | undefined): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null) continue;
    if (typeof value === "boolean") search.append(key, value ? "1" : "0");
    else if (Array.isArray(value)) search.append(key, value.join(","));
    else search.append(key, String(value));
  }
  return search.toString();
}

// Formats from pve-common JSONSchema.pm / pve-guest-common ReplicationConfig.pm.
const NODE_RE = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const JOB_ID_RE = /^[1-9][0-9]{2,8}-\d{1,9}$/;
const STORAGE_ID_RE = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;
const UPID_RE = /^UPID:[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?:[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8,9}:[0-9A-Fa-f]{8}:[^:\s/]+:[^:\s/]*:[^:\s/]+:$/;
const HA_SID_RE = /^((vm|ct):)?[1-9][0-9]{2,8}$/;

export function assertNodeName(node: string): string {
  return check(node, NODE_RE, "node", "invalid node name");
}

export function assertJobId(id: string): string {
  return check(id, JOB_ID_RE, "id", "invalid replication job id");
}

export function assertStorageId(storage: string): string {
  return check(storage, STORAGE_ID_RE, "storage", "invalid storage id");
}

export function assertUpid(upid: string): string {
  return check(upid, UPID_RE, "upid", "unable to parse worker upid");
}

export function assertHaSid(sid: string): string {
  return check(sid, HA_SID_RE, "sid", "invalid HA resource id");
}

export function assertVmid(vmid: number): number {
  if (!Number.isInteger(vmid) || vmid < 100 || vmid > 999_999_999) throw invalidParameter("vmid", `invalid guest id '${String(vmid)}'`);
  return vmid;
}

function check(value: string, re: RegExp, field: string, message: string): string {
  if (typeof value !== "string" || !re.test(value)) throw invalidParameter(field, `${message} '${String(value)}'`);
  return value;
}

/** Refused before sending; same shape as Proxmox's 400 but without a status, since nothing was sent. */
function invalidParameter(field: string, message: string): PveParameterError {
  return new PveParameterError("Parameter verification failed.", { [field]: message }, { status: undefined });
}
