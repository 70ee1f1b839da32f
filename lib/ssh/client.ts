import "server-only";

import { createHash } from "node:crypto";
import type { Socket } from "node:net";
import { constants } from "node:os";

import { Client, utils } from "ssh2";
import type { ClientChannel, ConnectConfig } from "ssh2";

import { logger } from "@/lib/logger";

import { SshAuthError, SshConnectionError, SshHostKeyChangedError, SshKeyError } from "./errors";
import type { SshError } from "./errors";
import type { CommandResult, RemoteShell } from "./remote-shell";

export type RemoteShellAuth = { password: string } | { privateKey: string; passphrase?: string };

export type OpenRemoteShellOptions = {
  /** The node's Proxmox name (errors and the shell carry it). */
  node: string;
  host: string;
  /** Default 22. */
  port?: number;
  /** Default root. */
  username?: string;
  auth: RemoteShellAuth;
  /**
   * The host key fingerprint pinned for this node (`SHA256:...`). A different key refuses the
   * connection before any login; null/undefined accepts the key and reports it (trust on first
   * use: the caller pins `hostKey`).
   */
  pinnedHostKey?: string | null;
  /** Connect + handshake + login, and the default for each command. Default 15 s. */
  timeoutMs?: number;
  /** Bytes kept of stdout and of stderr per command (the rest is dropped and said so). Default 1 MiB. */
  maxOutputBytes?: number;
};

export type OpenedRemoteShell = { shell: RemoteShell; hostKey: string };

/** The exit status `timeout(1)` gives a command that ran out of time. */
export const COMMAND_TIMEOUT_CODE = 124;

/** `SHA256:<base64, no padding>` of a public key blob, as `ssh-keygen -l` prints it. */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/**
 * Opens an SSH session to one node (ssh2's Client). The host key is checked against the pin
 * before the credential is sent; a login failure, an unreachable node and a timeout are tagged
 * errors (lib/ssh/errors.ts). Neither the credential nor any command output is ever logged.
 */
export function openRemoteShell(options: OpenRemoteShellOptions): Promise<OpenedRemoteShell> {
  const { node, host, port = 22, username = "root", auth, pinnedHostKey, timeoutMs = 15_000, maxOutputBytes = 1024 * 1024 } = options;
  const method = "password" in auth ? "password" : "key";
  const config: ConnectConfig = { host, port, username, readyTimeout: timeoutMs, keepaliveInterval: 5_000, keepaliveCountMax: 3, tryKeyboard: false };
  if ("password" in auth) config.password = auth.password;
  else {
    const parsed = utils.parseKey(auth.privateKey, auth.passphrase);
    if (parsed instanceof Error) return Promise.reject(new SshKeyError(node, { cause: new Error(parsed.message) }));
    config.privateKey = auth.privateKey;
    if (auth.passphrase !== undefined) config.passphrase = auth.passphrase;
  }

  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented = "";
    let refusedKey: SshHostKeyChangedError | undefined;
    let settled = false;
    config.hostVerifier = (key: Buffer) => {
      presented = hostKeyFingerprint(key);
      if (pinnedHostKey && presented !== pinnedHostKey) {
        refusedKey = new SshHostKeyChangedError(node, pinnedHostKey, presented);
        return false;
      }
      return true;
    };
    const fail = (err: SshError) => {
      if (settled) return;
      settled = true;
      // Before the handshake ends there is no session to close politely, and ssh2's destroy() skips a socket
      // it already half-closed (readyTimeout ends it): a silent peer would keep it open, so drop it here.
      client.destroy();
      (client as unknown as { _sock?: Socket })._sock?.destroy();
      reject(err);
    };
    // readyTimeout covers the handshake only; the TCP connect to a black hole needs its own limit.
    const timer = setTimeout(() => fail(new SshConnectionError(node, `No SSH answer from ${node} (${host}:${port}) within ${Math.round(timeoutMs / 1000)} s.`, "timeout")), timeoutMs + 1_000);
    client.on("error", (err: Error & { level?: string; code?: string }) => {
      clearTimeout(timer);
      if (refusedKey) return fail(refusedKey);
      fail(toConnectError(node, host, port, username, method, err));
    });
    client.on("ready", () => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      logger.info({ node, host, port, hostKey: presented }, "ssh: connected");
      resolve({ shell: new Ssh2Shell(node, client, timeoutMs, maxOutputBytes), hostKey: presented });
    });
    try {
      client.connect(config);
    } catch (err) {
      clearTimeout(timer);
      fail(new SshConnectionError(node, `SSH to ${node} could not start: ${(err as Error).message}`, "protocol", { cause: err }));
    }
  });
}

function toConnectError(node: string, host: string, port: number, username: string, method: "password" | "key", err: Error & { level?: string; code?: string }): SshError {
  if (err.level === "client-authentication") return new SshAuthError(node, username, method, { cause: err });
  if (err.level === "client-timeout") return new SshConnectionError(node, `The SSH handshake with ${node} (${host}:${port}) timed out.`, "timeout", { cause: err });
  if (err.code === "ECONNREFUSED") return new SshConnectionError(node, `${node} (${host}:${port}) refused the SSH connection: sshd is not running or the node is down.`, "refused", { cause: err });
  if (err.code === "ETIMEDOUT") return new SshConnectionError(node, `No SSH answer from ${node} (${host}:${port}).`, "timeout", { cause: err });
  if (err.code === "EHOSTUNREACH" || err.code === "ENETUNREACH" || err.code === "ENOTFOUND" || err.code === "EAI_AGAIN") {
    return new SshConnectionError(node, `${node} (${host}:${port}) is unreachable (${err.code}).`, "unreachable", { cause: err });
  }
  if (err.code === "ECONNRESET" || err.code === "EPIPE") return new SshConnectionError(node, `${node} (${host}:${port}) dropped the SSH connection.`, "closed", { cause: err });
  return new SshConnectionError(node, `SSH to ${node} (${host}:${port}) failed: ${err.message}`, "protocol", { cause: err });
}

class Ssh2Shell implements RemoteShell {
  private closed = false;

  constructor(
    readonly node: string,
    private readonly client: Client,
    private readonly defaultTimeoutMs: number,
    private readonly maxOutputBytes: number,
  ) {
    client.on("close", () => (this.closed = true));
    // After `ready`, a dropped connection surfaces on the running command; this keeps it from being unhandled.
    client.on("error", (err) => logger.debug({ node, err: err.message }, "ssh: connection error after login"));
  }

  run(command: string, options?: { timeoutMs?: number }): Promise<CommandResult> {
    const timeoutMs = options?.timeoutMs ?? this.defaultTimeoutMs;
    if (this.closed) return Promise.reject(new SshConnectionError(this.node, `The SSH connection to ${this.node} is closed.`, "closed"));
    return new Promise((resolve, reject) => {
      const stdout = new Capped(this.maxOutputBytes);
      const stderr = new Capped(this.maxOutputBytes);
      let code: number | undefined;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const onClientClose = () => finish(new SshConnectionError(this.node, `The SSH connection to ${this.node} closed before the command ended.`, "closed"));
      const finish = (err?: SshError, result?: CommandResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.client.off("close", onClientClose);
        if (err) reject(err);
        else resolve(result as CommandResult);
      };
      this.client.once("close", onClientClose);
      const started = (err: Error | undefined, channel: ClientChannel) => {
        if (err) return finish(new SshConnectionError(this.node, `${this.node} refused to run a command: ${err.message}`, "protocol", { cause: err }));
        timer = setTimeout(() => {
          channel.close();
          finish(undefined, {
            code: COMMAND_TIMEOUT_CODE,
            stdout: stdout.text(),
            stderr: `${stderr.text()}pve-standby: no answer within ${Math.round(timeoutMs / 1000)} s, the command was abandoned (its outcome on ${this.node} is unknown)\n`,
          });
        }, timeoutMs);
        channel.on("data", (chunk: Buffer) => stdout.push(chunk));
        channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
        channel.on("exit", (exitCode: number | null, signal?: string) => {
          code = exitCode ?? 128 + (signal ? (constants.signals[`SIG${signal}` as keyof typeof constants.signals] ?? 0) : 0);
        });
        channel.on("close", () => {
          if (code === undefined) return finish(new SshConnectionError(this.node, `The command on ${this.node} ended without an exit status.`, "closed"));
          finish(undefined, { code, stdout: stdout.text(), stderr: stderr.text() });
        });
      };
      try {
        this.client.exec(command, started);
      } catch (err) {
        // ssh2 throws when the socket is already gone.
        finish(new SshConnectionError(this.node, `The SSH connection to ${this.node} is closed.`, "closed", { cause: err }));
      }
    });
  }

  close(): void {
    this.closed = true;
    this.client.end();
  }
}

/** Keeps the first `max` bytes of a stream and says how much more was dropped. */
class Capped {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    const room = this.max - this.size;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.size += part.length;
    this.dropped += chunk.length - part.length;
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString("utf8");
    return this.dropped > 0 ? `${text}\n[pve-standby: ${this.dropped} more bytes of output dropped]\n` : text;
  }
}
