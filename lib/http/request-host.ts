import { isLoopbackHost } from "@/lib/env";

type HeaderReader = (name: string) => string | null;

/**
 * The host the browser asked for. X-Forwarded-Host counts only behind a trusted proxy (the
 * value its nearest hop wrote, the right-most); otherwise a client could name any host.
 */
export function requestHost(header: HeaderReader, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? header("x-forwarded-host")?.split(",").at(-1)?.trim() : undefined;
  return (forwarded || header("host"))?.toLowerCase() ?? null;
}

/** Likewise for the scheme: X-Forwarded-Proto only behind a trusted proxy. */
export function requestProto(header: HeaderReader, trustProxy: boolean, socketEncrypted: boolean): "http" | "https" {
  const forwarded = trustProxy ? header("x-forwarded-proto")?.split(",").at(-1)?.trim().toLowerCase() : undefined;
  if (forwarded === "https" || forwarded === "http") return forwarded;
  return socketEncrypted ? "https" : "http";
}

/**
 * DNS rebinding defence: a page on evil.example whose name later resolves to 127.0.0.1 sends
 * Host: evil.example. Only APP_URL's host is served, plus loopback names when the app listens
 * on loopback (people open http://localhost:3000 as often as http://127.0.0.1:3000).
 */
export function isAllowedHost(host: string | null, config: { appUrl: string; bindHost: string }): boolean {
  if (!host) return false;
  const app = new URL(config.appUrl);
  if (host === app.host.toLowerCase()) return true;
  if (!isLoopbackHost(config.bindHost)) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  return isLoopbackHost(hostname);
}
