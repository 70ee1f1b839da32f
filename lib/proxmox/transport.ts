import https from "node:https";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import tls from "node:tls";

import { PveCertificateMismatchError, PveError, PveProtocolError, PveTimeoutError, PveUnreachableError } from "./errors";
import type { PveTrust } from "./tls";
import { checkFingerprintPin, fetchCertificate, normalizeFingerprint, sniName } from "./tls";

/** One pveproxy address of the cluster. `servername` overrides SNI and the name checked in CA mode. */
export type PveEndpoint = { host: string; port: number; servername?: string };

export type TransportRequest = {
  endpoint: PveEndpoint;
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below `/api2/json`, already encoded, e.g. `/cluster/replication?type=vm`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Whole-request budget (connect + answer); the connect phase has its own, shorter limit. */
  timeoutMs: number;
  signal?: AbortSignal;
};

export type TransportResponse = {
  status: number;
  statusText: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: string;
};

/**
 * Sends one request to one endpoint. Throws PveUnreachableError, PveTimeoutError or
 * PveCertificateMismatchError; any HTTP answer (also 4xx/5xx) is returned, not thrown.
 */
export type PveTransport = {
  request(req: TransportRequest): Promise<TransportResponse>;
  close(): void;
};

const API_PREFIX = "/api2/json";
// Task logs are the largest answers we read; anything far beyond is not Proxmox talking.
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const TLS_VERIFY_CODES = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * HTTPS to pveproxy with the admin's pin enforced before any request byte leaves.
 *
 * How: the agent's `createConnection` does the TLS handshake itself and hands the socket to the
 * HTTP layer only after the check passed, so a refused certificate never sees a header, let
 * alone a token.
 * - `kind: "ca"`: OpenSSL verifies the chain with the pinned CA as the *only* trust anchor
 *   (`ca` replaces the system roots) and Node checks the name (`servername`, else the host; an IP
 *   host is matched against IP SANs, which Proxmox's pve-ssl.pem carries for the node's address).
 *   An address that is not in the SAN needs `servername: "<node name>"`, or fingerprint pinning.
 * - `kind: "fingerprint"`: Proxmox certificates come from the cluster's own CA, which we do not
 *   have, so OpenSSL's chain check cannot succeed and Node would never call `checkServerIdentity`.
 *   We therefore let the handshake finish unverified and compare SHA-256 fingerprints ourselves
 *   (checkFingerprintPin); names are not checked, like pve-apiclient does with fingerprints,
 *   because the pin is stronger than any name. A mismatch destroys the socket.
 * Writes use a fresh connection each time (no keep-alive), so a reset during a write means the
 * request really may have reached Proxmox, never a stale pooled socket.
 */
export function createHttpsTransport(options: { trust: PveTrust; connectTimeoutMs: number }): PveTransport {
  const readAgent = new PinnedAgent(options.trust, options.connectTimeoutMs, true);
  const writeAgent = new PinnedAgent(options.trust, options.connectTimeoutMs, false);
  return {
    request: (req) => sendRequest(req.method === "GET" ? readAgent : writeAgent, req),
    close() {
      readAgent.destroy();
      writeAgent.destroy();
    },
  };
}

class PinnedAgent extends https.Agent {
  private readonly pins?: ReadonlySet<string>;

  constructor(
    private readonly trust: PveTrust,
    private readonly connectTimeoutMs: number,
    keepAlive: boolean,
  ) {
    // Idle pooled sockets go after 5 s: a node that went away should cost a fresh connect
    // (fast to fail over), not a write into a half-dead socket.
    super({ keepAlive, keepAliveMsecs: 1000, maxSockets: 8, maxFreeSockets: 2, timeout: 5000 });
    if (trust.kind === "fingerprint") {
      const list = Array.isArray(trust.sha256) ? trust.sha256 : [trust.sha256];
      this.pins = new Set(list.map(normalizeFingerprint));
      if (this.pins.size === 0) throw new Error("Fingerprint trust needs at least one fingerprint");
    } else if (!trust.pem.includes("BEGIN CERTIFICATE")) {
      throw new Error("CA trust needs a PEM certificate");
    }
  }

  override createConnection(args: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const host = String(args.host ?? "localhost");
    const port = Number(args.port ?? 8006);
    const endpoint = `${host}:${port}`;
    const servername = sniName(host, args.servername ?? undefined);
    let settled = false;
    const settle = (error: Error | null, socket?: TLSSocket) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) socket?.destroy();
      callback?.(error, socket as Duplex);
    };
    const socket = tls.connect({
      host,
      port,
      servername,
      ...(this.trust.kind === "ca"
        ? { ca: this.trust.pem, rejectUnauthorized: true, checkServerIdentity: (_: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(servername ?? host, cert) }
        : { rejectUnauthorized: false }),
    });
    const timer = setTimeout(() => settle(new PveTimeoutError("connect", this.connectTimeoutMs, { endpoint }), socket), this.connectTimeoutMs);
    socket.once("secureConnect", () => {
      const mismatch = this.pins ? checkFingerprintPin(socket, this.pins, endpoint) : undefined;
      settle(mismatch ?? null, socket);
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (settled) return;
      if (error.code && TLS_VERIFY_CODES.has(error.code)) {
        clearTimeout(timer); // the verdict is in; the probe below must not turn it into a timeout
        void describeCaMismatch(host, port, servername, error).then((e) => settle(e, socket));
        return;
      }
      settle(new PveUnreachableError(`Cannot reach ${endpoint}: ${error.message}`, { endpoint, code: error.code }, { cause: error }), socket);
    });
    return undefined;
  }
}

/** OpenSSL refused the chain; probe once more (no credentials) so the admin sees what is there now. */
async function describeCaMismatch(host: string, port: number, servername: string | undefined, error: NodeJS.ErrnoException): Promise<PveError> {
  const endpoint = `${host}:${port}`;
  const presented = await fetchCertificate(host, port, { servername, timeoutMs: 3000 }).then(
    (p) => p.chain.map((c) => c.fingerprint256),
    () => [],
  );
  return new PveCertificateMismatchError(["the pinned cluster CA"], presented, { endpoint }, `${error.code}: ${error.message}`);
}

function sendRequest(agent: PinnedAgent, req: TransportRequest): Promise<TransportResponse> {
  const endpoint = `${req.endpoint.host}:${req.endpoint.port}`;
  const context = { endpoint, method: req.method, path: req.path.split("?")[0] };
  return new Promise((resolve, reject) => {
    let socketAssigned = false;
    let done = false;
    const finish = (error: Error | null, response?: TransportResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(response as TransportResponse);
    };
    const headers: Record<string, string> = { Accept: "application/json", ...req.headers };
    if (req.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(req.body));
    const request = https.request({
      agent,
      host: req.endpoint.host,
      port: req.endpoint.port,
      servername: req.endpoint.servername,
      method: req.method,
      path: API_PREFIX + req.path,
      headers,
    });
    const timer = setTimeout(() => {
      const phase = socketAssigned ? "request" : "connect";
      finish(new PveTimeoutError(phase, req.timeoutMs, context));
      request.destroy();
    }, req.timeoutMs);
    const onAbort = () => {
      finish(req.signal?.reason instanceof Error ? req.signal.reason : new Error("Aborted"));
      request.destroy();
    };
    if (req.signal?.aborted) return onAbort();
    req.signal?.addEventListener("abort", onAbort, { once: true });

    // "socket" fires only once our connector accepted the certificate (or a pooled, already
    // verified socket is reused); from then on request bytes may be on the wire.
    request.on("socket", () => {
      socketAssigned = true;
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (error instanceof PveError) return finish(error);
      const message = `Connection to ${endpoint} failed: ${error.message}`;
      finish(new PveUnreachableError(message, { ...context, code: error.code, requestSent: socketAssigned }, { cause: error }));
    });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          finish(new PveProtocolError(`Answer from ${endpoint} exceeds ${MAX_BODY_BYTES} bytes`, context));
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on("error", (error: Error) =>
        finish(new PveUnreachableError(`Answer from ${endpoint} broke off: ${error.message}`, { ...context, requestSent: true }, { cause: error })),
      );
      response.on("end", () => {
        const headersOut: Record<string, string | undefined> = {};
        for (const [key, value] of Object.entries(response.headers)) {
          headersOut[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
        }
        finish(null, {
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? "",
          headers: headersOut,
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    request.end(req.body);
  });
}
