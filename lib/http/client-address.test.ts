import { describe, expect, it } from "vitest";
import { clientAddress, formatPeerHeader, PEER_HEADER } from "./client-address";
import { prepareIncomingHeaders } from "./incoming-request";

const TOKEN = "per-process-token";
const reader = (headers: Record<string, string>) => (name: string) => headers[name] ?? null;
const direct = { trustProxy: false, hops: 1 };

describe("client address without a trusted proxy", () => {
  it("is the socket's address, whatever X-Forwarded-For and X-Real-IP claim", () => {
    const headers = { [PEER_HEADER]: formatPeerHeader(TOKEN, "203.0.113.7"), "x-forwarded-for": "10.9.9.9", "x-real-ip": "10.8.8.8" };
    expect(clientAddress(reader(headers), direct, TOKEN)).toBe("203.0.113.7");
  });

  it("ignores a forged peer header (wrong token) and falls back to unknown, not to the client's claim", () => {
    const headers = { [PEER_HEADER]: "guessed-token 198.51.100.1", "x-forwarded-for": "198.51.100.1" };
    expect(clientAddress(reader(headers), direct, TOKEN)).toBe("unknown");
  });

  it("is unknown when the app server did not vouch for the request", () => {
    expect(clientAddress(reader({ "x-forwarded-for": "198.51.100.1" }), direct, undefined)).toBe("unknown");
  });

  it("shows IPv4 clients of a dual-stack socket as plain IPv4", () => {
    expect(clientAddress(reader({ [PEER_HEADER]: formatPeerHeader(TOKEN, "::ffff:192.0.2.4") }), direct, TOKEN)).toBe("192.0.2.4");
  });
});

describe("client address behind trusted proxies", () => {
  // nginx's $proxy_add_x_forwarded_for appends the address it received from.
  it("takes the entry one hop left of the proxy, never the client-written left-most entry", () => {
    const headers = { [PEER_HEADER]: formatPeerHeader(TOKEN, "10.0.0.2"), "x-forwarded-for": "6.6.6.6, 203.0.113.9" };
    expect(clientAddress(reader(headers), { trustProxy: true, hops: 1 }, TOKEN)).toBe("203.0.113.9");
  });

  it("counts the configured number of hops from the right", () => {
    // client -> CDN (appends client) -> nginx (appends CDN) -> app
    const headers = { [PEER_HEADER]: formatPeerHeader(TOKEN, "10.0.0.2"), "x-forwarded-for": "6.6.6.6, 203.0.113.9, 198.51.100.20" };
    expect(clientAddress(reader(headers), { trustProxy: true, hops: 2 }, TOKEN)).toBe("203.0.113.9");
  });

  it("uses the left-most entry when the chain is shorter than the hops, and the socket when there is none", () => {
    const peer = { [PEER_HEADER]: formatPeerHeader(TOKEN, "10.0.0.2") };
    expect(clientAddress(reader({ ...peer, "x-forwarded-for": "203.0.113.9" }), { trustProxy: true, hops: 3 }, TOKEN)).toBe("203.0.113.9");
    expect(clientAddress(reader(peer), { trustProxy: true, hops: 1 }, TOKEN)).toBe("10.0.0.2");
  });
});

describe("the app server's header preparation", () => {
  it("drops forwarding headers without a trusted proxy and replaces a client-sent peer header", () => {
    const headers: Record<string, string | string[] | undefined> = {
      host: "127.0.0.1:3000",
      "x-forwarded-for": "6.6.6.6",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      [PEER_HEADER]: `${TOKEN} 6.6.6.6`,
    };
    prepareIncomingHeaders(headers, { peerToken: TOKEN, socketAddress: "127.0.0.1", trustProxy: false });
    expect(headers["x-forwarded-for"]).toBeUndefined();
    expect(headers["x-forwarded-host"]).toBeUndefined();
    expect(headers["x-forwarded-proto"]).toBeUndefined();
    expect(clientAddress((n) => (headers[n] as string | undefined) ?? null, direct, TOKEN)).toBe("127.0.0.1");
  });

  it("keeps forwarding headers behind a trusted proxy", () => {
    const headers: Record<string, string | undefined> = { "x-forwarded-for": "203.0.113.9", "x-forwarded-host": "standby.example.com" };
    prepareIncomingHeaders(headers, { peerToken: TOKEN, socketAddress: "10.0.0.2", trustProxy: true });
    expect(headers["x-forwarded-host"]).toBe("standby.example.com");
    expect(clientAddress((n) => headers[n] ?? null, { trustProxy: true, hops: 1 }, TOKEN)).toBe("203.0.113.9");
  });
});
