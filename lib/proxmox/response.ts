import type { z } from "zod";

import { PveProtocolError, createHttpError } from "./errors";
import type { PveErrorContext } from "./errors";
import type { TransportResponse } from "./transport";

/** `serverTime` is the answering node's `Date` header: the cluster clock, 1 s resolution. */
export type PveResult<T> = { data: T; serverTime?: Date; total?: number; endpoint: string };

/**
 * Turns one HTTP answer into data or a typed error. Success is always `{"data": …}` (plus `total`
 * for log readers; Formatter/Standard.pm); the data is checked against the zod schema so an
 * unexpected shape becomes a PveProtocolError naming the fields, never a crash further down.
 */
export function parseResponse<S extends z.ZodType>(
  response: TransportResponse,
  schema: S,
  context: PveErrorContext & { endpoint: string },
): PveResult<z.output<S>> {
  const ctx = { ...context, status: response.status };
  const body = tryParseJson(response.body);
  if (response.status < 200 || response.status > 299) {
    throw createHttpError(response.status, response.statusText, body.ok ? body.value : undefined, context);
  }
  if (!body.ok) throw new PveProtocolError(`Answer to ${context.method} ${context.path} is not JSON`, ctx, snippet(response.body));
  const envelope = body.value;
  if (typeof envelope !== "object" || envelope === null || !("data" in envelope)) {
    throw new PveProtocolError(`Answer to ${context.method} ${context.path} has no "data" envelope`, ctx, snippet(response.body));
  }
  const parsed = schema.safeParse((envelope as { data: unknown }).data);
  if (!parsed.success) throw PveProtocolError.fromZod(parsed.error, ctx);
  const total = (envelope as { total?: unknown }).total;
  return {
    data: parsed.data,
    serverTime: parseDateHeader(response.headers.date),
    total: typeof total === "number" ? total : typeof total === "string" && /^\d+$/.test(total) ? Number(total) : undefined,
    endpoint: context.endpoint,
  };
}

/** The `Date` header (RFC 7231 IMF-fixdate) as a Date, or undefined when absent or unreadable. */
function parseDateHeader(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function snippet(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed || "(empty body)";
}
