// The one contract between failover steps and a node's root shell. `lib/ssh` implements it over
// SSH (ssh2, host key pinned per node like the TLS fingerprint); the failover steps receive a
// `RemoteShellFor` through their deps, so the engine never knows how a command reaches the node.

export type CommandResult = {
  /** The command's exit status; a command killed by a signal answers 128 + signal number. */
  code: number;
  stdout: string;
  stderr: string;
};

export interface RemoteShell {
  /** The node this shell reaches, by its Proxmox name. */
  readonly node: string;
  /** Runs one command line in a root shell on the node. Rejects only when the connection fails. */
  run(command: string, options?: { timeoutMs?: number }): Promise<CommandResult>;
  close(): void;
}

/**
 * Opens a root shell on `node` of a cluster with its stored recovery credential, or answers
 * `null` when the cluster has none (the operator is then shown the exact commands instead).
 * Rejects with a tagged error when the host key differs from the pinned one or the login fails.
 */
export type RemoteShellFor = (clusterId: string, node: string) => Promise<RemoteShell | null>;
