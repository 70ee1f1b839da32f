import { timingSafeEqual } from "node:crypto";
import type { Server as NetServer, Socket } from "node:net";

import { Server, utils } from "ssh2";
import type { AuthContext, Connection, ServerChannel } from "ssh2";

import { logger } from "@/lib/logger";

import type { Simulator } from "../simulator";
import { loadOrCreateHostKeys } from "./host-keys";
import { runCommandLine } from "./shell";

export type SshListenOptions = {
  host: string;
  /** Port of the first node's sshd; the others follow. 0 gives every node an ephemeral port. */
  port: number;
  /** Where the host keys live (`nodes/<node>/ssh_host_ed25519_key`); undefined keeps them in memory. */
  dataDir?: string;
  /** An OpenSSH public key line accepted for root besides the password (authorized_keys). */
  authorizedKey?: string;
};

export type SshEndpoint = { node: string; port: number; hostKeyFingerprint: string };

export type RunningSshServers = { endpoints: SshEndpoint[]; close(): Promise<void> };

const MAX_COMMAND = 64 * 1024;

/**
 * One sshd per simulated node (ssh2's Server, a real SSH-2 peer): root logs in with the root
 * password or the authorized key and runs commands in a root shell over the model. A node that is
 * down closes its listener and drops its sessions, like its HTTPS listener; it listens again on
 * the same port when it boots.
 */
export async function startSshServers(sim: Simulator, options: SshListenOptions): Promise<RunningSshServers> {
  const keys = await loadOrCreateHostKeys(options.dataDir, sim.nodeNames);
  const authorized = options.authorizedKey ? parsePublic(options.authorizedKey) : undefined;
  const servers = new Map<string, { server: Server; port: number; sockets: Set<Socket> }>();

  for (const [i, name] of sim.nodeNames.entries()) {
    const key = keys.get(name);
    if (!key) continue;
    const sockets = new Set<Socket>();
    const server = new Server({ hostKeys: [key.privateKey], ident: "OpenSSH_9.2p1 Debian-2+deb12u7" }, (client) => serveClient(sim, name, client, authorized));
    trackSockets(server, sockets);
    const wanted = options.port === 0 ? 0 : options.port + i;
    const port = sim.model.node(name)?.online === false ? wanted : await listen(server, wanted, options.host);
    servers.set(name, { server, port, sockets });
  }

  const onNodeChange = (name: string, online: boolean) => {
    const entry = servers.get(name);
    if (!entry) return;
    if (online) {
      listen(entry.server, entry.port, options.host).catch((err: unknown) => logger.error({ err: String(err), node: name }, "simulator: sshd could not listen again"));
    } else {
      entry.server.close();
      for (const socket of entry.sockets) socket.destroy();
    }
  };
  sim.model.nodeListeners.push(onNodeChange);

  return {
    endpoints: [...servers.entries()].map(([node, { port }]) => ({ node, port, hostKeyFingerprint: keys.get(node)?.fingerprint ?? "" })),
    async close() {
      const i = sim.model.nodeListeners.indexOf(onNodeChange);
      if (i >= 0) sim.model.nodeListeners.splice(i, 1);
      await Promise.all(
        [...servers.values()].map(
          ({ server, sockets }) =>
            new Promise<void>((resolve) => {
              for (const socket of sockets) socket.destroy();
              // A listener that is already closed (node down) answers ERR_SERVER_NOT_RUNNING: nothing to wait for.
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function serveClient(sim: Simulator, node: string, client: Connection, authorized: ReturnType<typeof parsePublic> | undefined): void {
  client.on("error", (err) => logger.debug({ err: String(err), node }, "simulator: ssh client connection error"));
  client.on("authentication", (ctx: AuthContext) => {
    if (ctx.username === "root" && ctx.method === "password" && equalText(ctx.password, sim.credentials.rootPassword)) return ctx.accept();
    if (ctx.username === "root" && ctx.method === "publickey" && authorized && ctx.key.algo === authorized.type && ctx.key.data.equals(authorized.getPublicSSH())) {
      // The first round only asks whether this key would do; the signed one proves possession.
      if (!ctx.signature || !ctx.blob) return ctx.accept();
      if (authorized.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
    }
    ctx.reject(authorized ? ["password", "publickey"] : ["password"]);
  });
  client.on("ready", () => {
    client.on("session", (acceptSession) => {
      const session = acceptSession();
      session.on("pty", (accept) => accept?.());
      session.on("env", (accept) => accept?.());
      session.on("exec", (accept, _reject, info) => {
        const channel = accept();
        if (info.command.length > MAX_COMMAND) return finish(channel, { code: 126, stdout: "", stderr: "bash: Argument list too long\n" });
        runCommandLine(sim, node, info.command).then(
          (out) => finish(channel, out),
          (err: unknown) => {
            logger.error({ err: String(err), node }, "simulator: ssh command failed inside the simulator");
            finish(channel, { code: 1, stdout: "", stderr: `simulator: ${String(err)}\n` });
          },
        );
      });
      // A login shell is not simulated: the session answers like a shell that exits at once.
      session.on("shell", (accept) => {
        const channel = accept();
        finish(channel, { code: 0, stdout: `Linux ${node} 6.14.11-4-pve x86_64\n`, stderr: "" });
      });
    });
  });
}

function finish(channel: ServerChannel, out: { code: number; stdout: string; stderr: string }): void {
  try {
    if (out.stdout) channel.write(out.stdout);
    if (out.stderr) channel.stderr.write(out.stderr);
    channel.exit(out.code);
    channel.end();
  } catch (err) {
    // The client went away (or gave up on the command) before it ended: nobody is left to answer.
    logger.debug({ err: String(err) }, "simulator: ssh client left before its command ended");
  }
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parsePublic(line: string) {
  const parsed = utils.parseKey(line.trim());
  if (parsed instanceof Error) throw new Error(`the authorized SSH key is not an OpenSSH public key: ${parsed.message}`);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) throw new Error("the authorized SSH key is empty");
  return key;
}

/** ssh2's Server keeps its net.Server in `_srv`; a dying node destroys the raw sockets, sessions included. */
function trackSockets(server: Server, sockets: Set<Socket>): void {
  const net = (server as unknown as { _srv: NetServer })._srv;
  net.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
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
