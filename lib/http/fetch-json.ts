// The browser's one way to call our own API routes: JSON in, JSON out, and a failure thrown as an
// ApiError carrying the server's message and per-field errors, so queries and forms show exactly
// what the server refused.
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fieldErrors: Record<string, string[] | undefined> = {},
  ) {
    super(message);
  }
}

export type JsonMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Calls one of our API routes; `body` is sent as JSON when given. */
export async function fetchJson<T = unknown>(url: string, init: { method?: JsonMethod; body?: unknown } = {}): Promise<T> {
  const response = await fetch(url, {
    method: init.method ?? "GET",
    headers: { Accept: "application/json", ...(init.body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const data: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const failure = (typeof data === "object" && data !== null ? data : {}) as { error?: unknown; fieldErrors?: Record<string, string[]> };
    const message = typeof failure.error === "string" && failure.error ? failure.error : `Request failed (${response.status}).`;
    throw new ApiError(message, response.status, failure.fieldErrors);
  }
  return data as T;
}

/** Shorthand for a change: `fetchJson(url, { method, body })`. */
export function sendJson<T = unknown>(url: string, method: Exclude<JsonMethod, "GET">, body: unknown): Promise<T> {
  return fetchJson<T>(url, { method, body });
}
