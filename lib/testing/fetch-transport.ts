import { PveTimeoutError, PveUnreachableError } from "@/lib/proxmox/errors";
import type { PveEndpoint, PveTransport, TransportRequest, TransportResponse } from "@/lib/proxmox/transport";

/** A `fetch`-shaped function, e.g. the simulator's in-process `(Request) => Response` handler. */
export type FetchLike = (request: Request) => Promise<Response>;

/**
 * Test-only: runs the client against an in-process handler instead of HTTPS, for tests that
 * poll thousands of times, where a port and TLS would only add noise. The handler
 * sees the same URL, method, headers and form body pveproxy would. There is no TLS here, so
 * there is nothing to pin; production code always uses createHttpsTransport.
 */
export function createFetchTransport(fetchLike: FetchLike): PveTransport {
  return {
    async request(req: TransportRequest): Promise<TransportResponse> {
      const endpoint = `${req.endpoint.host}:${req.endpoint.port}`;
      const context = { endpoint, method: req.method, path: req.path.split("?")[0] };
      const timeout = AbortSignal.timeout(req.timeoutMs);
      const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await fetchLike(
          new Request(`https://${hostForUrl(req.endpoint)}/api2/json${req.path}`, {
            method: req.method,
            headers: req.headers,
            body: req.body,
            signal,
          }),
        );
      } catch (error) {
        if (timeout.aborted) throw new PveTimeoutError("request", req.timeoutMs, context);
        if (req.signal?.aborted) throw error;
        // A handler that throws before answering stands for a node that does not answer at all.
        throw new PveUnreachableError(`Cannot reach ${endpoint}: ${String(error)}`, { ...context, requestSent: false }, { cause: error });
      }
      const headers: Record<string, string | undefined> = {};
      response.headers.forEach((value, key) => {
        headers[key.toLowerCase()] = value;
      });
      return { status: response.status, statusText: response.statusText, headers, body: await response.text() };
    },
    close() {},
  };
}

function hostForUrl(endpoint: PveEndpoint): string {
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  return `${host}:${endpoint.port}`;
}
