import "server-only";
import { appRecoveryShellFor } from "@/lib/clusters/app-recovery-shell";
import { getEnv } from "@/lib/env";
import type { RemoteShellFor } from "@/lib/ssh/remote-shell";
import type { GatherDeps } from "./gather";
import type { RecoveryGatherDeps } from "./recovery-gather";

/** A route's recovery deps: the configured minimum offline time and the cluster's recovery shell. */
export function appRecoveryDeps(deps: GatherDeps): RecoveryGatherDeps & { shellFor: RemoteShellFor } {
  return { ...deps, minOfflineSeconds: getEnv().RECOVERY_MIN_OFFLINE_SECONDS, shellFor: appRecoveryShellFor() };
}

/** Whether the cluster has a recovery credential (the dialog shows the commands when not). */
export async function hasRecoveryCredential(deps: GatherDeps, clusterId: string): Promise<boolean> {
  return (await deps.db.recoveryCredential.count({ where: { clusterId } })) > 0;
}
