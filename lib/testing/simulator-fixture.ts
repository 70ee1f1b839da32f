import { X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";

import selfsigned from "selfsigned";

import { startServers } from "@/lib/simulator/server";
import type { RunningServers } from "@/lib/simulator/server";
import { createSimulator } from "@/lib/simulator/simulator";
import type { Simulator, SimulatorOptions } from "@/lib/simulator/simulator";

import { createProxmoxClient } from "@/lib/proxmox/client";
import type { ProxmoxClient, ProxmoxClientOptions } from "@/lib/proxmox/client";
import type { PveTransport, TransportRequest } from "@/lib/proxmox/transport";


/** Midnight 2026-11-20 UTC: a fixed simulator start so runs fall on the same ticks every time. */
export const SIM_START = Date.UTC(2026, 10, 20, 0, 0, 0) / 1000;

/**
 * Test-only: the real simulator behind its per-node HTTPS listeners (self-signed cluster CA,
 * one certificate per node), on ephemeral ports of 127.0.0.1.
 */
export type SimulatorFixture = {
  sim: Simulator;
  servers: RunningServers;
  /** Fingerprint pins of every node, as the add-cluster flow stores them. */
  pins: string[];
  endpoint(node: string): { host: string; port: number };
  client(overrides?: Partial<ProxmoxClientOptions>): ProxmoxClient;
  close(): Promise<void>;
};

export async function startSimulatorFixture(options: SimulatorOptions = {}): Promise<SimulatorFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), "pve-standby-client-"));
  const sim = createSimulator({ authFailureDelayMs: 0, ...options });
  const servers = await startServers(sim, { dataDir, port: 0 });
  const clients: ProxmoxClient[] = [];
  const endpoint = (node: string) => {
    const found = servers.endpoints.find((e) => e.node === node);
    if (!found) throw new Error(`no listener for ${node}`);
    return { host: "127.0.0.1", port: found.port };
  };
  const pins = servers.endpoints.map((e) => e.fingerprint);
  return {
    sim,
    servers,
    pins,
    endpoint,
    client(overrides = {}) {
      const client = createProxmoxClient({
        endpoints: sim.nodeNames.map(endpoint),
        auth: { kind: "token", tokenId: sim.credentials.tokenId, secret: sim.credentials.tokenSecret },
        trust: { kind: "fingerprint", sha256: pins },
        timeouts: { connectMs: 1000, requestMs: 5000 },
        retries: { attempts: 2, baseDelayMs: 1 },
        ...overrides,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      await servers.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Wraps a transport to see which endpoint got which request (the real transport still does the work). */
export function recordRequests(inner: PveTransport): { transport: PveTransport; log: TransportRequest[] } {
  const log: TransportRequest[] = [];
  return {
    log,
    transport: {
      request(req) {
        log.push(req);
        return inner.request(req);
      },
      close: () => inner.close(),
    },
  };
}

/** A port on 127.0.0.1 that refuses connections (bound once, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts TCP connections and never says a word: a node that hangs mid-handshake. */
export async function startBlackhole(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Completes the TLS handshake, reads the request and never answers: a node whose API hangs. */
export async function startSilentTlsPeer(): Promise<{ port: number; fingerprint: string; received: () => string; close: () => Promise<void> }> {
  const pems = await selfsigned.generate([{ name: "commonName", value: "hung-node" }], { keyType: "ec", algorithm: "sha256" });
  const sockets = new Set<tls.TLSSocket>();
  let received = "";
  const server = tls.createServer({ key: pems.private, cert: pems.cert }, (socket) => {
    sockets.add(socket);
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    fingerprint: new X509Certificate(pems.cert).fingerprint256,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
