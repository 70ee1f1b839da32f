import { z } from "zod";
import { TaggedError } from "@/lib/errors/tagged-error";

/** Where a failed call was going; attached to every error so logs and the UI can name the node. */
export type PveErrorContext = {
  method?: string;
  path?: string;
  endpoint?: string;
};

export class PveError extends TaggedError {
  static readonly tag: string = "PveError";
  readonly method?: string;
  readonly path?: string;
  readonly endpoint?: string;
  /** HTTP status when Proxmox answered; undefined for transport-level failures. */
  readonly status?: number;

  constructor(message: string, context: PveErrorContext & { status?: number } = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.method = context.method;
    this.path = context.path;
    this.endpoint = context.endpoint;
    this.status = context.status;
  }
}

/**
 * No answer from the endpoint (refused, reset, DNS, no route), or pveproxy answered 59x because
 * the node it proxies to (`proxyto: node`) is down (reference §1.4, AnyEvent::HTTP pseudo-status).
 * `requestSent` tells whether the request may have reached Proxmox: a write with
 * `requestSent: true` has an unknown outcome and must not be blindly repeated.
 */
export class PveUnreachableError extends PveError {
  static readonly tag: string = "PveUnreachableError";
  readonly scope: "endpoint" | "proxied-node";
  readonly requestSent: boolean;
  readonly code?: string;

  constructor(
    message: string,
    details: PveErrorContext & { scope?: "endpoint" | "proxied-node"; requestSent?: boolean; code?: string; status?: number },
    options?: ErrorOptions,
  ) {
    super(message, details, options);
    this.scope = details.scope ?? "endpoint";
    this.requestSent = details.requestSent ?? false;
    this.code = details.code;
  }
}

export class PveTimeoutError extends PveError {
  static readonly tag: string = "PveTimeoutError";
  readonly phase: "connect" | "request";
  readonly timeoutMs: number;
  readonly requestSent: boolean;

  constructor(phase: "connect" | "request", timeoutMs: number, context: PveErrorContext = {}) {
    super(`${phase === "connect" ? "Connecting to" : "No answer from"} ${context.endpoint ?? "Proxmox"} within ${timeoutMs} ms`, context);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
    this.requestSent = phase === "request";
  }
}

/** 401: bad/expired token or ticket, wrong password, or a missing/invalid CSRF token. */
export class PveAuthError extends PveError {
  static readonly tag: string = "PveAuthError";
}

/** 403. Proxmox names the ACL path and privilege it checked: "Permission check failed (/vms/100, VM.Replicate)". */
export class PvePermissionError extends PveError {
  static readonly tag: string = "PvePermissionError";
  readonly aclPath?: string;
  readonly privilege?: string;

  constructor(message: string, context: PveErrorContext & { status?: number } = {}) {
    super(message, { status: 403, ...context });
    const parsed = parsePermissionMessage(message);
    this.aclPath = parsed?.aclPath;
    this.privilege = parsed?.privilege;
  }
}

/** 400 "Parameter verification failed.": `errors` maps each parameter (or `_root`) to Proxmox's text. */
export class PveParameterError extends PveError {
  static readonly tag: string = "PveParameterError";
  readonly errors: Record<string, string>;

  constructor(message: string, errors: Record<string, string>, context: PveErrorContext & { status?: number } = {}) {
    super(message, { status: 400, ...context });
    this.errors = errors;
  }
}

/** Any handler `die` (HTTP 500 and other 4xx/5xx): the text is Proxmox's own, e.g. "no such replication job '100-3'". */
export class PveBusinessError extends PveError {
  static readonly tag: string = "PveBusinessError";
}

/** 501: the endpoint does not exist on this Proxmox version ("Method 'GET /foo' not implemented"). */
export class PveNotImplementedError extends PveError {
  static readonly tag: string = "PveNotImplementedError";
}

/** The answer was not what the API schema promises (not JSON, no `data`, or a zod mismatch). */
export class PveProtocolError extends PveError {
  static readonly tag: string = "PveProtocolError";
  readonly issues?: string;

  constructor(message: string, context: PveErrorContext & { status?: number } = {}, issues?: string) {
    super(issues ? `${message}:\n${issues}` : message, context);
    this.issues = issues;
  }

  static fromZod(error: z.ZodError, context: PveErrorContext & { status?: number }): PveProtocolError {
    const where = `${context.method ?? ""} ${context.path ?? ""}`.trim();
    return new PveProtocolError(`Unexpected response shape from ${where}`, context, z.prettifyError(error));
  }
}

/**
 * The endpoint presented a certificate that matches none of the pins. Never retried and never
 * failed over: a changed certificate must be shown to the admin, not routed around.
 */
export class PveCertificateMismatchError extends PveError {
  static readonly tag: string = "PveCertificateMismatchError";
  readonly expected: string[];
  readonly presented: string[];

  constructor(expected: string[], presented: string[], context: PveErrorContext = {}, reason?: string) {
    const detail = reason ?? `expected ${expected.join(" or ")}, got ${presented[0] ?? "no certificate"}`;
    super(`TLS certificate of ${context.endpoint ?? "the server"} is not the pinned one: ${detail}`, context);
    this.expected = expected;
    this.presented = presented;
  }
}

// "(<path>, <priv>)", or "<priv>|<priv>" when any of several would do (RPCEnvironment.pm check_any).
const PRIV = "[A-Za-z]+(?:\\.[A-Za-z]+)+";
const PERMISSION_RE = new RegExp(`^Permission check failed \\((/[^,]*), (${PRIV}(?:\\|${PRIV})*)\\)`);

/** "Permission check failed (/vms/100, VM.Replicate)" → { aclPath, privilege } (pve-access-control RPCEnvironment.pm raise_perm_exc). */
export function parsePermissionMessage(message: string): { aclPath: string; privilege: string } | undefined {
  const match = PERMISSION_RE.exec(message.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return { aclPath: match[1].trim(), privilege: match[2].trim() };
}

/** Proxmox's error text: the JSON `message` (pve-http-server ≥ 5.2.0) or the HTTP reason phrase on older servers. */
function extractErrorText(body: unknown, statusText: string, status: number): string {
  const message = isRecord(body) && typeof body.message === "string" ? body.message.trim() : "";
  return message || statusText.trim() || `HTTP ${status}`;
}

/** Maps a non-2xx Proxmox answer to the typed error; `body` is the parsed JSON or undefined. */
export function createHttpError(status: number, statusText: string, body: unknown, context: PveErrorContext): PveError {
  const text = extractErrorText(body, statusText, status);
  const ctx = { ...context, status };
  if (status === 401) return new PveAuthError(text, ctx);
  if (status === 403) return new PvePermissionError(text, ctx);
  if (status === 400) return new PveParameterError(text, readFieldErrors(body), ctx);
  if (status === 501) return new PveNotImplementedError(text, ctx);
  // 59x are AnyEvent::HTTP pseudo-statuses of pveproxy's proxy_request: the target node is down.
  if (status >= 590 && status <= 599) {
    return new PveUnreachableError(text, { ...ctx, scope: "proxied-node", requestSent: true });
  }
  return new PveBusinessError(text, ctx);
}

function readFieldErrors(body: unknown): Record<string, string> {
  if (!isRecord(body) || !isRecord(body.errors)) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body.errors)) {
    // Several messages for one key arrive joined by "\n"; format validators may add a trailing one.
    out[key] = String(value).trim();
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
