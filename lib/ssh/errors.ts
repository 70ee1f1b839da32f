import { TaggedError } from "@/lib/errors/tagged-error";

/** Anything that kept a root shell on a node from opening or answering. Messages never hold a secret. */
export class SshError extends TaggedError {
  static override readonly tag: string = "SshError";
  constructor(
    readonly node: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "SshError";
  }
}

/**
 * The node presented another host key than the one pinned for it: reinstalled, the pin is wrong,
 * or something else answers at this address. The connection was refused before any login.
 */
export class SshHostKeyChangedError extends SshError {
  static override readonly tag: string = "SshHostKeyChangedError";
  constructor(
    node: string,
    readonly expected: string,
    readonly presented: string,
  ) {
    super(node, `The SSH host key of ${node} is ${presented}, not the pinned ${expected}: the connection was refused.`);
    this.name = "SshHostKeyChangedError";
  }
}

/** The node refused the login (wrong password or key, or root login not allowed). */
export class SshAuthError extends SshError {
  static override readonly tag: string = "SshAuthError";
  constructor(node: string, username: string, method: "password" | "key", options?: ErrorOptions) {
    super(node, `${node} refused the SSH login of ${username} with the stored ${method === "password" ? "password" : "key"}.`, options);
    this.name = "SshAuthError";
  }
}

/** No SSH connection: refused, unreachable, timed out, or dropped before the command answered. */
export class SshConnectionError extends SshError {
  static override readonly tag: string = "SshConnectionError";
  constructor(
    node: string,
    message: string,
    readonly reason: "refused" | "timeout" | "unreachable" | "closed" | "protocol",
    options?: ErrorOptions,
  ) {
    super(node, message, options);
    this.name = "SshConnectionError";
  }
}

/** The stored private key cannot be read (wrong passphrase, unknown format). */
export class SshKeyError extends SshError {
  static override readonly tag: string = "SshKeyError";
  constructor(node: string, options?: ErrorOptions) {
    super(node, "The stored SSH private key cannot be read: wrong passphrase or not an OpenSSH/PEM private key.", options);
    this.name = "SshKeyError";
  }
}
