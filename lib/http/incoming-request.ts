import type { IncomingHttpHeaders } from "node:http";
import { isLoopbackHost } from "@/lib/env";
import { formatPeerHeader, normalizeAddress, PEER_HEADER } from "./client-address";

const FORWARDED_HEADERS = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "forwarded", "x-real-ip"];

/**
 * Run by the app server on every request before Next sees it: the signed socket address
 * replaces anything the client sent under that name, and without a trusted proxy every
 * forwarding header goes (Next then fills X-Forwarded-* from the socket and the Host header).
 */
export function prepareIncomingHeaders(
  headers: IncomingHttpHeaders,
  opts: { peerToken: string; socketAddress: string; trustProxy: boolean },
): void {
  if (!opts.trustProxy) for (const name of FORWARDED_HEADERS) delete headers[name];
  headers[PEER_HEADER] = formatPeerHeader(opts.peerToken, opts.socketAddress);
}

/** Demo accounts have a published password: the demo answers only requests from this machine. */
export function refusesDemoPeer(env: { DEMO_MODE: boolean }, socketAddress: string): boolean {
  return env.DEMO_MODE && !isLoopbackHost(normalizeAddress(socketAddress));
}
