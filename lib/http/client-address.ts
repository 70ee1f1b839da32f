/**
 * The address a request came from. Next does not expose the socket, but its server sets
 * x-forwarded-for from it; behind a reverse proxy (TRUST_PROXY=1) the proxy's header is used.
 * The left-most entry is the original client only when every hop is trusted, which is what
 * TRUST_PROXY asserts; otherwise the right-most entry, added by Next itself, is used.
 */
export function clientAddress(header: (name: string) => string | null, trustProxy: boolean): string {
  const forwarded = header("x-forwarded-for");
  if (forwarded) {
    const hops = forwarded.split(",").map((s) => s.trim()).filter(Boolean);
    const chosen = trustProxy ? hops[0] : hops.at(-1);
    if (chosen) return chosen;
  }
  return header("x-real-ip") ?? "unknown";
}
