import { createServer } from "node:https";
import type { Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

import { logger } from "@/lib/logger";

import { loadOrCreateCertificates } from "./certs";
import { startSshServers } from "./ssh/server";
import { ConnectionResetError, NodeUnreachableError } from "./handler";
import type { Simulator } from "./simulator";

export type ListenOptions = {
  /** Default 127.0.0.1. */
  host?: string;
  /** Port of the first node; the others follow (port+1, ...). 0 gives every node an ephemeral port. */
  port?: number;
  /** Where the CA and node certificates and the SSH host keys live (created on first start). */
  dataDir: string;
  /**
   * Port of the first node's sshd; the others follow (sshPort+1, ...). Default: the API port + 1000
   * (pve1 8006 → 9006), or ephemeral when `port` is 0.
   */
  sshPort?: number;
  /** An OpenSSH public key line that may log in as root (besides the root password). */
  sshAuthorizedKey?: string;
};

export type NodeEndpoint = {
  node: string;
  port: number;
  url: string;
  /** SHA-256 of the node's TLS certificate (`AA:BB:...`). */
  fingerprint: string;
  /** The node's sshd (root login with the root password or the authorized key). */
  sshPort: number;
  /** The node's SSH host key as OpenSSH prints it (`SHA256:...`). */
  sshFingerprint: string;
};

export type RunningServers = {
  endpoints: NodeEndpoint[];
  /** PEM of the cluster CA (pve-root-ca.pem), for clients that trust the CA instead of pinning. */
  caCert: string;
  close(): Promise<void>;
};

const MAX_BODY = 1024 * 1024;

/**
 * One HTTPS listener per simulated node, like pveproxy on every real node. A node that goes
 * down closes its listener (connections are refused); it listens again on the same port when
 * it comes back.
 */
export async function startServers(sim: Simulator, options: ListenOptions): Promise<RunningServers> {
  const host = options.host ?? "127.0.0.1";
  const certs = await loadOrCreateCertificates(options.dataDir, sim.nodeNames);
  const servers = new Map<string, { server: Server; port: number }>();

  for (const [i, name] of sim.nodeNames.entries()) {
    const nodeCert = certs.nodes.get(name);
    if (!nodeCert) continue;
    const node = sim.model.node(name);
    if (node) node.sslFingerprint = nodeCert.fingerprint;
    const server = createServer({ key: nodeCert.key, cert: nodeCert.cert }, (req, res) => void serve(sim, name, req, res));
    trackSockets(server);
    const wanted = options.port === undefined ? 8006 + i : options.port === 0 ? 0 : options.port + i;
    const port = node?.online === false ? wanted : await listen(server, wanted, host);
    servers.set(name, { server, port });
  }

  const ssh = await startSshServers(sim, {
    host,
    port: options.sshPort ?? (options.port === 0 ? 0 : (options.port ?? 8006) + 1000),
    dataDir: options.dataDir,
    authorizedKey: options.sshAuthorizedKey,
  });
  const sshOf = new Map(ssh.endpoints.map((e) => [e.node, e]));

  const onNodeChange = (name: string, online: boolean) => {
    const entry = servers.get(name);
    if (!entry) return;
    if (online) void listen(entry.server, entry.port, host).catch(() => undefined);
    else {
      entry.server.close();
      dropAllSockets(entry.server);
    }
  };
  sim.model.nodeListeners.push(onNodeChange);

  return {
    endpoints: [...servers.entries()].map(([node, { port }]) => ({
      node,
      port,
      url: `https://${host}:${port}`,
      fingerprint: certs.nodes.get(node)?.fingerprint ?? "",
      sshPort: sshOf.get(node)?.port ?? 0,
      sshFingerprint: sshOf.get(node)?.hostKeyFingerprint ?? "",
    })),
    caCert: certs.caCert,
    async close() {
      const i = sim.model.nodeListeners.indexOf(onNodeChange);
      if (i >= 0) sim.model.nodeListeners.splice(i, 1);
      await ssh.close();
      await Promise.all(
        [...servers.values()].map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              if (!server.listening) return resolve();
              server.close(() => resolve());
              dropAllSockets(server);
            }),
        ),
      );
    },
  };
}

const SOCKETS = new WeakMap<Server, Set<Socket>>();

/**
 * closeAllConnections() only knows HTTP connections; a TLS socket that has not sent a request yet
 * (a client's pool may hold one open) would keep close() waiting forever. A node that goes down
 * drops every connection, so the simulator tracks raw sockets and destroys them all.
 */
function trackSockets(server: Server): void {
  const sockets = new Set<Socket>();
  SOCKETS.set(server, sockets);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
}

function dropAllSockets(server: Server): void {
  server.closeAllConnections();
  for (const socket of SOCKETS.get(server) ?? []) socket.destroy();
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

async function serve(sim: Simulator, node: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    const out = await sim.handle(node, { method: req.method ?? "GET", url: req.url ?? "/", headers, body });
    if (out.truncated) {
      // Announce the whole body, send half of it, then drop the connection.
      res.writeHead(out.status, out.statusText, { ...out.headers, "content-length": out.truncated.contentLength });
      res.write(out.body, () => setTimeout(() => req.socket.destroy(), 20));
      return;
    }
    res.writeHead(out.status, out.statusText, { ...out.headers, "content-length": Buffer.byteLength(out.body) });
    res.end(out.body);
  } catch (err) {
    if (err instanceof NodeUnreachableError) {
      req.socket.destroy();
      return;
    }
    if (err instanceof ConnectionResetError) {
      resetConnection(req);
      return;
    }
    res.writeHead(500, "Internal Server Error", { "content-type": "text/plain" });
    res.end(err instanceof Error ? err.message : String(err));
  }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error("request entity too large"));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length ? Buffer.concat(chunks).toString("utf8") : undefined));
    req.on("error", reject);
  });
}

/** Sends a TCP RST (not a FIN): the client sees ECONNRESET. TLS sockets wrap the TCP socket. */
function resetConnection(req: IncomingMessage): void {
  const tls = req.socket as Socket & { _parent?: Socket };
  const tcp = tls._parent ?? tls;
  if (typeof tcp.resetAndDestroy === "function") {
    try {
      tcp.resetAndDestroy();
      tls.destroy();
      return;
    } catch (err) {
      // Not a plain TCP socket underneath: close it the normal way (the client sees EOF, not RST).
      logger.warn({ err: String(err) }, "simulator: reset fault could not send a TCP RST, closing instead");
    }
  }
  tls.destroy();
}
