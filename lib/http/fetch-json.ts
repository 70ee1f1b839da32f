// Browser-side helper for our own API routes: throws an Error carrying the server's message
// and per-field errors, so forms can show exactly what the server refused.
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fieldErrors: Record<string, string[] | undefined> = {},
  ) {
    super(message);
  }
}

export async function sendJson<T = unknown>(url: string, method: "POST" | "PATCH" | "PUT" | "DELETE", body: unknown): Promise<T> {
  const response = await fetch(url, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const data = (await response.json().catch(() => ({}))) as { error?: string; fieldErrors?: Record<string, string[]> };
  if (!response.ok) throw new ApiError(data.error ?? `Request failed (${response.status}).`, response.status, data.fieldErrors);
  return data as T;
}
