import crypto from "node:crypto";
import { setRecoveryCredential } from "@/lib/clusters/recovery-credential";
import { recoveryCredentialInputSchema } from "@/lib/clusters/recovery-schemas";
import { createRecoveryShellFor } from "@/lib/clusters/recovery-shell";
import { openRemoteShell } from "@/lib/ssh/client";
import type { RemoteShellFor } from "@/lib/ssh/remote-shell";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { configPath } from "./recovery-commands";

/** An operator at a root shell on a node (its simulated sshd), running one command; throws unless it exits 0. */
export async function operatorRuns(fx: SimulatorFixture, node: string, command: string): Promise<string> {
  const e = fx.servers.endpoints.find((x) => x.node === node);
  if (!e) throw new Error(`no node ${node}`);
  const { shell } = await openRemoteShell({ node, host: "127.0.0.1", port: e.sshPort, auth: { password: fx.sim.credentials.rootPassword }, pinnedHostKey: e.sshFingerprint, timeoutMs: 5000 });
  try {
    const out = await shell.run(command);
    if (out.code !== 0) throw new Error(`${command}: ${out.stderr}`);
    return out.stdout;
  } finally {
    shell.close();
  }
}

/** What an operator does by hand: log in to the survivor as root and `mv` the configuration (reference §6.9 step 3). */
export async function operatorMovesConfig(fx: SimulatorFixture, move: { vmid: number; from: string; to: string }): Promise<void> {
  const type = fx.sim.model.guest(move.vmid)?.type ?? "qemu";
  await operatorRuns(fx, move.to, `mv ${configPath(move.from, type, move.vmid)} ${configPath(move.to, type, move.vmid)}`);
}

/** An admin stores the simulator's root password as the cluster's recovery credential (each node's sshd port). */
export async function storeSimulatorCredential(db: PrismaClient, fx: SimulatorFixture, clusterId = "demo"): Promise<{ encryptionKey: Buffer; shellFor: RemoteShellFor }> {
  const encryptionKey = crypto.randomBytes(32);
  const input = recoveryCredentialInputSchema.parse({
    authKind: "password",
    password: fx.sim.credentials.rootPassword,
    nodeAddresses: Object.fromEntries(fx.servers.endpoints.map((e) => [e.node, `127.0.0.1:${e.sshPort}`])),
  });
  await setRecoveryCredential(db, clusterId, input, "admin@example.com", encryptionKey);
  return { encryptionKey, shellFor: createRecoveryShellFor({ db, encryptionKey, open: openRemoteShell, timeoutMs: 5000 }) };
}
