import { matchEndpoint } from "./api-schema";
import { checkPermissionSpec } from "./auth";
import { handleControl } from "./control";
import { PveApiError } from "./errors";
import { garble } from "./faults";
import type { RouteTable, SimCore } from "./route-types";
import { WithTotal } from "./route-types";
import { ROUTES } from "./routes/route-table";
import { httpDate } from "./time-format";
import { validateParams } from "./validate";

export type SimRequest = {
  method: string;
  /** Path with optional query string, e.g. `/api2/json/nodes?x=1`. */
  url: string;
  /** Header names in lower case. */
  headers?: Record<string, string>;
  body?: string;
};

export type SimResponse = {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
  /**
   * Set by a `truncate` fault: `body` is only the part that gets through, `contentLength` what the
   * headers announce. The HTTPS server sends that much and closes the connection.
   */
  truncated?: { contentLength: number };
};

/** Thrown for a `reset` fault: the connection is reset before any answer (ECONNRESET). */
export class ConnectionResetError extends Error {
  readonly code = "ECONNRESET";
  constructor(readonly node: string) {
    super(`read ECONNRESET (simulated fault on node '${node}')`);
    this.name = "ConnectionResetError";
  }
}

/** Thrown for a request to a node that is down: there is nobody to answer (like ECONNREFUSED). */
export class NodeUnreachableError extends Error {
  constructor(readonly node: string) {
    super(`connect ECONNREFUSED (simulated node '${node}' is down)`);
    this.name = "NodeUnreachableError";
  }
}

const API_PREFIX = "/api2/json";

/**
 * One request to the API of one node, processed the way pve-http-server and
 * pve-manager's HTTPServer.pm do: authenticate, find the handler (501), check declarative
 * permissions (403), proxy to the owning node (59x when it is down), validate parameters
 * against the schema (400), run the handler (500 for its errors), wrap in `{"data": ...}`.
 */
export async function handleRequest(core: SimCore, contactedNode: string, req: SimRequest, routes: RouteTable = ROUTES): Promise<SimResponse> {
  if (!core.model.node(contactedNode)?.online) throw new NodeUnreachableError(contactedNode);
  core.sync();
  const url = new URL(req.url, "https://simulator.invalid");
  const method = req.method.toUpperCase();
  if (url.pathname.startsWith("/control/")) return handleControl(core, method, url, lowerCaseKeys(req.headers ?? {}), req.body);

  // Injected response faults (never on the control API).
  const apiPath = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) || "/" : url.pathname;
  const fault = core.faults.match(contactedNode, method, apiPath, core.now());
  if (fault?.kind === "reset") throw new ConnectionResetError(contactedNode);
  if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.delayMs ?? 2000));
  if (fault?.kind === "error") {
    const status = fault.status ?? 503;
    return respond(core.now(), status, fault.message ?? (status === 503 ? "Service Unavailable" : status === 502 ? "Bad Gateway" : "Internal Server Error"));
  }
  const res = await handleApi(core, contactedNode, req, url, method, routes);
  if (fault?.kind === "garble") {
    const body = garble(res.body);
    return { ...res, body };
  }
  if (fault?.kind === "truncate") {
    const full = Buffer.from(res.body);
    return { ...res, body: full.subarray(0, Math.floor(full.length / 2)).toString("utf8"), truncated: { contentLength: full.length } };
  }
  return res;
}

async function handleApi(core: SimCore, contactedNode: string, req: SimRequest, url: URL, method: string, routes: RouteTable): Promise<SimResponse> {
  const now = core.now();
  const headers = lowerCaseKeys(req.headers ?? {});
  if (!url.pathname.startsWith(`${API_PREFIX}/`) && url.pathname !== API_PREFIX) {
    return respond(now, 501, `Unknown formatter or path '${url.pathname}'`);
  }
  const path = url.pathname.slice(API_PREFIX.length) || "/";

  try {
    const loginCall = path === "/access/ticket" && (method === "POST" || method === "GET");
    const auth = loginCall ? undefined : core.auth.authenticate(method, headers, now);
    const matched = matchEndpoint(method, path);
    if (!matched) throw new PveApiError(501, `Method '${method} ${API_PREFIX}${path}' not implemented`);
    const { endpoint, template, pathParams } = matched;
    if (auth?.via === "token" && !endpoint.allowtoken) {
      throw new PveApiError(403, `Permission check failed (URI '${path}' not available with API token, need proper ticket.)`);
    }
    if (auth) checkPermissionSpec(auth, endpoint.permissions?.check, pathParams);
    if (endpoint.proxyto === "node" && pathParams.node !== undefined) checkProxyTarget(core, pathParams.node);

    const input = mergeParams(method, url.searchParams, headers["content-type"] ?? "", req.body, pathParams);
    const { params, errors } = validateParams(endpoint.parameters, input);
    if (Object.keys(errors).length > 0) throw new PveApiError(400, "Parameter verification failed.", errors);

    const route = routes[`${method} ${template}`];
    if (!route) throw new PveApiError(501, `Method '${method} ${API_PREFIX}${path}' not implemented`);
    // Only the login call runs unauthenticated; its route never looks at `auth`.
    const ctx = { core, auth: auth ?? { userid: "", via: "ticket" as const, role: "PVEAuditor" as const }, params, contactedNode, now };
    const result = route(ctx);
    const body = result instanceof WithTotal ? { data: result.data, total: result.total } : { data: result ?? null };
    return { status: 200, statusText: "OK", headers: baseHeaders(now), body: JSON.stringify(body) };
  } catch (err) {
    if (err instanceof PveApiError) {
      if (err.status === 401) {
        // pve-http-server delays every 401 (3 s) to slow down password guessing.
        if (core.authFailureDelayMs > 0) await new Promise((r) => setTimeout(r, core.authFailureDelayMs));
        return { status: 401, statusText: err.message, headers: baseHeaders(now), body: "" };
      }
      return respond(now, err.status, err.message, err.errors);
    }
    return respond(now, 500, err instanceof Error ? err.message : String(err));
  }
}

/** `proxyto => 'node'`: pveproxy forwards to that node, which must resolve and answer. */
function checkProxyTarget(core: SimCore, node: string): void {
  const target = core.model.node(node);
  if (!target) throw new PveApiError(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
  // AnyEvent::HTTP reports connection failures as pseudo status 595.
  if (!target.online) throw new PveApiError(595, "Errors during connection establishment, proxy handshake: No route to host");
}

function mergeParams(
  method: string,
  query: URLSearchParams,
  contentType: string,
  body: string | undefined,
  pathParams: Record<string, string>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if ((method === "POST" || method === "PUT") && body) {
    if (contentType.includes("application/json")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new PveApiError(400, "malformed JSON body");
      }
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) Object.assign(input, parsed);
    } else {
      for (const [k, v] of new URLSearchParams(body)) input[k] = v;
    }
  }
  for (const [k, v] of query) input[k] = v;
  const errors: Record<string, string> = {};
  for (const [k, v] of Object.entries(pathParams)) {
    if (input[k] !== undefined && String(input[k]) !== v) errors[k] = "duplicate parameter (already defined in URI) with conflicting values!";
    input[k] = v;
  }
  if (Object.keys(errors).length > 0) throw new PveApiError(400, "Parameter verification failed.", errors);
  return input;
}

function respond(now: number, status: number, message: string, errors?: Record<string, string>): SimResponse {
  const body: Record<string, unknown> = { data: null };
  if (errors && Object.keys(errors).length > 0) body.errors = errors;
  body.message = message.endsWith("\n") ? message : `${message}\n`;
  return { status, statusText: reasonPhrase(message), headers: baseHeaders(now), body: JSON.stringify(body) };
}

// The reason phrase is the message's first line; Proxmox falls back when it still has CR/LF.
function reasonPhrase(message: string): string {
  const first = message.split("\n")[0] ?? "";
  return first.replace(/[^\t\x20-\x7e]/g, "?") || "Error";
}

export function baseHeaders(now: number): Record<string, string> {
  const date = httpDate(now);
  return {
    "content-type": "application/json;charset=UTF-8",
    server: "pve-api-daemon/3.0",
    date,
    expires: date,
    "cache-control": "max-age=0",
    pragma: "no-cache",
  };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
