import type { z } from "zod";

import { PveAuthError, PveCertificateMismatchError, PveError, PveTimeoutError, PveUnreachableError } from "./errors";
import type { PveParams, PvePath } from "./params";
import { encodeParams } from "./params";
import { parseResponse } from "./response";
import type { PveResult } from "./response";
import { createTicketSession } from "./ticket";
import type { TicketSession } from "./ticket";
import type { PveTrust } from "./tls";
import { createHttpsTransport } from "./transport";
import type { PveEndpoint, PveTransport, TransportRequest, TransportResponse } from "./transport";

export type PveAuth =
  | { kind: "token"; tokenId: string; secret: string }
  | { kind: "ticket"; username: string; password: string };

export type ProxmoxClientOptions = {
  /** Every pveproxy address of the cluster; the first is tried first until another proves better. */
  endpoints: PveEndpoint[];
  auth: PveAuth;
  /** Required unless `transport` is given (the in-process simulator transport needs none). */
  trust?: PveTrust;
  timeouts?: { connectMs?: number; requestMs?: number };
  /** Extra attempts for GETs only, with exponential backoff. */
  retries?: { attempts?: number; baseDelayMs?: number };
  transport?: PveTransport;
  /** Monotonic-enough clock for ticket age; injectable for tests and the fast demo clock. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

export type PveCall<S extends z.ZodType> = {
  method: TransportRequest["method"];
  path: PvePath;
  params?: PveParams;
  schema: S;
  signal?: AbortSignal;
  timeoutMs?: number;
};

export type ProxmoxClient = {
  call<S extends z.ZodType>(call: PveCall<S>): Promise<PveResult<z.output<S>>>;
  /** The endpoint that answered last; requests start there. */
  activeEndpoint(): PveEndpoint;
  close(): void;
};

// PVE's own node-to-node proxy gives up after 30 s (AnyEvent.pm proxy_request); 401s alone take 3 s.
const DEFAULT_CONNECT_MS = 5_000;
const DEFAULT_REQUEST_MS = 30_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_BASE_DELAY_MS = 250;
const TOKEN_ID_RE = /^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+![A-Za-z][A-Za-z0-9.\-_]+$/;

/**
 * The Proxmox VE API client. It never imports Next.js or the database. Endpoint modules
 * (replication.ts, cluster.ts, …) call `call()`; product code calls those modules.
 */
export function createProxmoxClient(options: ProxmoxClientOptions): ProxmoxClient {
  if (options.endpoints.length === 0) throw new Error("A Proxmox cluster needs at least one endpoint");
  if (options.auth.kind === "token" && !TOKEN_ID_RE.test(options.auth.tokenId)) {
    throw new Error(`Not a Proxmox API token id (user@realm!name): ${options.auth.tokenId}`);
  }
  const endpoints = [...options.endpoints];
  const connectMs = options.timeouts?.connectMs ?? DEFAULT_CONNECT_MS;
  const requestMs = options.timeouts?.requestMs ?? DEFAULT_REQUEST_MS;
  const attempts = options.retries?.attempts ?? DEFAULT_RETRIES;
  const baseDelayMs = options.retries?.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const transport = options.transport ?? createTransportFor(options.trust, connectMs);
  let preferred = 0;

  /** Tries each endpoint from the last good one; moves on only when that is safe for the method. */
  async function sendWithFailover(req: Omit<TransportRequest, "endpoint">): Promise<{ response: TransportResponse; endpoint: string }> {
    const failures: PveError[] = [];
    for (let i = 0; i < endpoints.length; i++) {
      const index = (preferred + i) % endpoints.length;
      const endpoint = endpoints[index] as PveEndpoint;
      try {
        const response = await transport.request({ ...req, endpoint });
        preferred = index;
        return { response, endpoint: `${endpoint.host}:${endpoint.port}` };
      } catch (error) {
        if (!(error instanceof PveError) || !canFailOver(error, req.method)) throw error;
        failures.push(error);
      }
    }
    const last = failures.at(-1);
    if (failures.length === 1 || failures.every((f) => f instanceof PveTimeoutError)) throw last;
    const sent = failures.some((f) => f instanceof PveUnreachableError ? f.requestSent : f instanceof PveTimeoutError && f.requestSent);
    throw new PveUnreachableError(`No Proxmox endpoint answered: ${failures.map((f) => f.message).join("; ")}`, {
      method: req.method,
      path: req.path.split("?")[0],
      requestSent: sent,
      code: "ALL_ENDPOINTS_FAILED",
    }, { cause: last });
  }

  const tickets: TicketSession | undefined =
    options.auth.kind === "ticket"
      ? createTicketSession({ username: options.auth.username, password: options.auth.password, now: options.now ?? Date.now, send: sendWithFailover, timeoutMs: requestMs })
      : undefined;

  async function authHeaders(method: string): Promise<Record<string, string>> {
    if (options.auth.kind === "token") {
      // pveum.adoc: "Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET"; no CSRF token needed.
      return { Authorization: `PVEAPIToken=${options.auth.tokenId}=${options.auth.secret}` };
    }
    const ticket = await (tickets as TicketSession).current();
    const headers: Record<string, string> = { Cookie: `PVEAuthCookie=${encodeURIComponent(ticket.ticket)}` };
    if (method !== "GET") headers.CSRFPreventionToken = ticket.csrfToken;
    return headers;
  }

  async function callOnce<S extends z.ZodType>(call: PveCall<S>): Promise<PveResult<z.output<S>>> {
    const encoded = encodeParams(call.params);
    const inQuery = call.method === "GET" || call.method === "DELETE";
    const base = {
      method: call.method,
      path: inQuery && encoded ? `${call.path}?${encoded}` : call.path,
      body: inQuery ? undefined : encoded,
      timeoutMs: call.timeoutMs ?? requestMs,
      signal: call.signal,
    };
    const send = async () => {
      const headers = await authHeaders(call.method);
      if (!inQuery) headers["Content-Type"] = "application/x-www-form-urlencoded";
      return sendWithFailover({ ...base, headers });
    };
    let sent = await send();
    // Auth is checked before any handler runs (HTTPServer.pm auth_handler), so repeating after a
    // 401 is safe even for writes: the ticket expired or the server's auth key rotated.
    if (sent.response.status === 401 && tickets) {
      await tickets.invalidateAndLogin();
      sent = await send();
    }
    return parseResponse(sent.response, call.schema, { method: call.method, path: call.path, endpoint: sent.endpoint });
  }

  return {
    async call(call) {
      const retries = call.method === "GET" ? attempts : 0;
      for (let attempt = 0; ; attempt++) {
        try {
          return await callOnce(call);
        } catch (error) {
          if (attempt >= retries || call.signal?.aborted || !isTransient(error)) throw error;
          // Exponential backoff with jitter so several pollers do not hammer a recovering node together.
          await sleep(baseDelayMs * 2 ** attempt * (0.5 + Math.random()));
        }
      }
    },
    activeEndpoint: () => endpoints[preferred] as PveEndpoint,
    close: () => transport.close(),
  };
}

function createTransportFor(trust: PveTrust | undefined, connectTimeoutMs: number): PveTransport {
  if (!trust) throw new Error("A pinned certificate (trust) is required to talk to Proxmox over HTTPS");
  return createHttpsTransport({ trust, connectTimeoutMs });
}

/** A changed certificate is never routed around; a write that may have arrived is never resent elsewhere. */
function canFailOver(error: PveError, method: string): boolean {
  if (error instanceof PveCertificateMismatchError || error instanceof PveAuthError) return false;
  if (error instanceof PveUnreachableError) return error.scope === "endpoint" && (!error.requestSent || method === "GET");
  if (error instanceof PveTimeoutError) return error.phase === "connect" || method === "GET";
  return false;
}

/**
 * Worth another round after a pause: refused/reset connections and handshakes that did not
 * finish. A request that used up its whole timeout is not repeated (that would multiply the
 * wait); the poller's next cycle is its retry.
 */
function isTransient(error: unknown): boolean {
  if (error instanceof PveUnreachableError) return error.scope === "endpoint";
  return error instanceof PveTimeoutError && error.phase === "connect";
}
