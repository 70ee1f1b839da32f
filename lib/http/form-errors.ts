import type { z } from "zod";
import { ApiError } from "./fetch-json";

export type FieldErrors = Record<string, string | undefined>;

/** First message per field from a zod error (client-side validation). */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "_form");
    out[key] ??= issue.message;
  }
  return out;
}

/** Field and form errors from a failed API call (server-side validation or refusal). */
export function apiFieldErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return { _form: "Something went wrong. Try again." };
  const out: FieldErrors = { _form: Object.keys(error.fieldErrors).length ? undefined : error.message };
  for (const [key, messages] of Object.entries(error.fieldErrors)) out[key] = messages?.[0];
  return out;
}
