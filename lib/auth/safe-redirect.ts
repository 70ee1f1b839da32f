/**
 * Where to go after sign-in: a path on this app, or "/". Parsed with the URL parser against the
 * app's own origin, the way the browser will resolve it, so `/\evil.example` (a backslash is a
 * slash to browsers), `//evil.example` and `https://evil.example` all resolve elsewhere and are refused.
 * The result is rebuilt from the parsed parts and can never start with `//`.
 */
export function safeCallbackPath(raw: string | null | undefined, appUrl: string): string {
  if (!raw) return "/";
  const origin = new URL(appUrl).origin;
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return "/";
  }
  if (url.origin !== origin) return "/";
  const path = url.pathname.replace(/^\/+/, "/");
  return `${path}${url.search}${url.hash}`;
}
