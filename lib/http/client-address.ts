import { timingSafeEqual } from "node:crypto";

/**
 * The socket's address reaches the app through this header, set by the app server
 * (scripts/lib/app-server.ts) on every request it accepts: Next exposes no socket to route
 * handlers or to next-auth, and its own `x-forwarded-for` keeps whatever the client sent. The
 * value is "<per-process token> <address>", so a client cannot forge it even when the app is
 * started some other way (then the header is ignored and the address is "unknown").
 */
export const PEER_HEADER = "x-pve-standby-peer";
export const PEER_TOKEN_ENV = "PVE_STANDBY_PEER_TOKEN";

export type ProxyTrust = { trustProxy: boolean; hops: number };

type HeaderReader = (name: string) => string | null;

export function formatPeerHeader(token: string, address: string): string {
  return `${token} ${normalizeAddress(address)}`;
}

/** The socket address the app server vouched for, or null when the header is absent or forged. */
export function peerAddress(header: HeaderReader, peerToken: string | undefined): string | null {
  const value = header(PEER_HEADER);
  if (!value || !peerToken) return null;
  const space = value.indexOf(" ");
  if (space < 0) return null;
  const given = Buffer.from(value.slice(0, space));
  const expected = Buffer.from(peerToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return value.slice(space + 1).trim() || null;
}

/**
 * The address a request came from, for the sign-in limits and the audit log.
 * - No trusted proxy: the socket's address; X-Forwarded-For is ignored (a client can write it).
 * - Behind `hops` trusted proxies: each appends the address it received from, so the chain
 *   X-Forwarded-For + socket is read from the right and the entry `hops` places left of the
 *   socket is the client. Entries further left were written by the client and never count.
 *   A chain shorter than that (a request that skipped a proxy) yields its left-most entry.
 */
export function clientAddress(header: HeaderReader, trust: ProxyTrust, peerToken: string | undefined = process.env[PEER_TOKEN_ENV]): string {
  const peer = peerAddress(header, peerToken);
  if (!peer) return "unknown";
  if (!trust.trustProxy) return peer;
  const forwarded = (header("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...forwarded.map(normalizeAddress), peer];
  return chain[Math.max(0, chain.length - 1 - trust.hops)]!;
}

/** IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d; the audit log shows a.b.c.d. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}
