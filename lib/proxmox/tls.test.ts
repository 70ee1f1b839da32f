import { X509Certificate } from "node:crypto";
import type { AddressInfo } from "node:net";
import tls from "node:tls";

import selfsigned from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PveCertificateMismatchError, PveUnreachableError } from "./errors";
import { describeCaCertificate, fetchCertificate, normalizeFingerprint } from "./tls";
import { createHttpsTransport } from "./transport";
import type { PveTrust } from "./tls";

// These tests exercise only the TLS layer: the peer is a bare TLS listener that records the bytes
// it receives and never speaks HTTP, so they prove the pin check happens before any request byte.
// Everything above TLS is tested against the simulator (client.integration.test.ts).

type Peer = { port: number; received: () => string; close: () => Promise<void> };

async function startPeer(key: string, certChain: string): Promise<Peer> {
  let data = "";
  const server = tls.createServer({ key, cert: certChain }, (socket) => {
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("latin1");
      socket.destroy();
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => data,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const bundle = (...pems: string[]) => pems.map((p) => p.trim()).join("\n") + "\n";
const fp = (pem: string) => new X509Certificate(pem).fingerprint256;
const ec = { keyType: "ec" as const, algorithm: "sha256" };

let ca: { cert: string; private: string };
let leaf: { cert: string; private: string };
let rogue: { cert: string; private: string };
let legit: Peer;
let attacker: Peer;

beforeAll(async () => {
  ca = await selfsigned.generate([{ name: "commonName", value: "Proxmox Virtual Environment" }], {
    ...ec,
    extensions: [{ name: "basicConstraints", cA: true }, { name: "keyUsage", keyCertSign: true, cRLSign: true }],
  });
  leaf = await selfsigned.generate([{ name: "commonName", value: "pve1" }], {
    ...ec,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "pve1" }, { type: 7, ip: "127.0.0.1" }] }],
  });
  rogue = await selfsigned.generate([{ name: "commonName", value: "pve1" }], ec);
  legit = await startPeer(leaf.private, bundle(leaf.cert, ca.cert));
  // A man in the middle can append the real (public) CA certificate to its own chain.
  attacker = await startPeer(rogue.private, bundle(rogue.cert, ca.cert));
});

afterAll(async () => {
  await legit.close();
  await attacker.close();
});

async function send(trust: PveTrust, port: number, endpoint: { host?: string; servername?: string } = {}) {
  const transport = createHttpsTransport({ trust, connectTimeoutMs: 2000 });
  try {
    return await transport.request({
      endpoint: { host: endpoint.host ?? "127.0.0.1", port, servername: endpoint.servername },
      method: "GET",
      path: "/version",
      headers: { Authorization: "PVEAPIToken=root@pam!standby=secret" },
      timeoutMs: 3000,
    });
  } finally {
    transport.close();
  }
}

describe("fetchCertificate", () => {
  it("reads the chain without sending a byte", async () => {
    const presented = await fetchCertificate("127.0.0.1", legit.port);
    expect(presented.chain.map((c) => c.fingerprint256)).toEqual([fp(leaf.cert), fp(ca.cert)]);
    expect(presented.chain[0]?.subject).toContain("CN=pve1");
    expect(presented.chain[1]?.isCa).toBe(true);
    expect(presented.trustedBySystem).toBe(false);
    expect(legit.received()).toBe("");
  });

  it("reports a closed port as unreachable", async () => {
    const closed = await startPeer(rogue.private, rogue.cert);
    await closed.close();
    await expect(fetchCertificate("127.0.0.1", closed.port, { timeoutMs: 1000 })).rejects.toBeInstanceOf(PveUnreachableError);
  });
});

describe("pinning in the handshake", () => {
  it("refuses a certificate that is not pinned, before any request byte", async () => {
    const error = await send({ kind: "fingerprint", sha256: fp(rogue.cert) }, legit.port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PveCertificateMismatchError);
    expect((error as PveCertificateMismatchError).presented[0]).toBe(fp(leaf.cert));
    expect((error as PveCertificateMismatchError).expected).toEqual([fp(rogue.cert)]);
    expect(legit.received()).toBe("");
  });

  it("accepts the pinned leaf (any of several pins) and only then sends the request", async () => {
    const pins = [fp(rogue.cert), fp(leaf.cert).toLowerCase()];
    const error = await send({ kind: "fingerprint", sha256: pins }, legit.port).catch((e: unknown) => e);
    // The bare peer hangs up instead of answering: the request got past the pin.
    expect(error).toBeInstanceOf(PveUnreachableError);
    expect(legit.received()).toMatch(/^GET \/api2\/json\/version HTTP\/1\.1/);
  });

  it("accepts a pinned CA fingerprint only when it really signed the leaf", async () => {
    const ok = await send({ kind: "fingerprint", sha256: fp(ca.cert) }, legit.port).catch((e: unknown) => e);
    expect(ok).not.toBeInstanceOf(PveCertificateMismatchError);
    const forged = await send({ kind: "fingerprint", sha256: fp(ca.cert) }, attacker.port).catch((e: unknown) => e);
    expect(forged).toBeInstanceOf(PveCertificateMismatchError);
    expect(attacker.received()).toBe("");
  });

  it("CA trust: the pinned CA is the only anchor", async () => {
    const ok = await send({ kind: "ca", pem: ca.cert }, legit.port).catch((e: unknown) => e);
    expect(ok).not.toBeInstanceOf(PveCertificateMismatchError);
    const error = await send({ kind: "ca", pem: ca.cert }, attacker.port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PveCertificateMismatchError);
    expect((error as PveCertificateMismatchError).presented[0]).toBe(fp(rogue.cert));
    expect(attacker.received()).toBe("");
  });

  it("CA trust checks the name; an address outside the SAN needs the node name as servername", async () => {
    const wrongName = await send({ kind: "ca", pem: ca.cert }, legit.port, { host: "localhost" }).catch((e: unknown) => e);
    expect(wrongName).toBeInstanceOf(PveCertificateMismatchError);
    expect((wrongName as Error).message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
    const before = legit.received().length;
    const named = await send({ kind: "ca", pem: ca.cert }, legit.port, { host: "localhost", servername: "pve1" }).catch((e: unknown) => e);
    expect(named).not.toBeInstanceOf(PveCertificateMismatchError);
    expect(legit.received().length).toBeGreaterThan(before);
  });

  it("normalizes fingerprints to Proxmox's format", () => {
    const colon = fp(leaf.cert);
    expect(normalizeFingerprint(colon.replace(/:/g, "").toLowerCase())).toBe(colon);
    expect(() => normalizeFingerprint("AB:CD")).toThrow();
  });

  it("accepts only a CA certificate as pasted cluster CA", () => {
    expect(describeCaCertificate(ca.cert).fingerprint256).toBe(fp(ca.cert));
    expect(() => describeCaCertificate(leaf.cert)).toThrow(/Not a CA/);
    expect(() => describeCaCertificate("junk")).toThrow(/PEM/);
  });
});
