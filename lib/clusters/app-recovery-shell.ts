import "server-only";
import { getDb } from "@/lib/db/app-db";
import { getServerSecrets } from "@/lib/server-secrets";
import { openRemoteShell } from "@/lib/ssh/client";
import type { RemoteShellFor } from "@/lib/ssh/remote-shell";
import { createRecoveryShellFor, type RecoveryShellDeps } from "./recovery-shell";

// The running app's wiring of the recovery shell: the app database, the server's encryption key
// and lib/ssh's client.

export function appRecoveryShellDeps(): RecoveryShellDeps {
  return { db: getDb(), encryptionKey: getServerSecrets().encryptionKey, open: openRemoteShell };
}

export function appRecoveryShellFor(): RemoteShellFor {
  return (clusterId, node) => createRecoveryShellFor(appRecoveryShellDeps())(clusterId, node);
}
