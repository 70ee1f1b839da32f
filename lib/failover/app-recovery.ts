import "server-only";
import { getEnv } from "@/lib/env";
import type { GatherDeps } from "./gather";
import type { RecoveryGatherDeps } from "./recovery-gather";

/** A route's recovery deps: the configured minimum offline time (planning never needs a shell: the executor's steps do). */
export function appRecoveryDeps(deps: GatherDeps): RecoveryGatherDeps {
  return { ...deps, minOfflineSeconds: getEnv().RECOVERY_MIN_OFFLINE_SECONDS };
}

/** Whether the cluster has a recovery credential (the dialog shows the commands when not). */
export async function hasRecoveryCredential(deps: GatherDeps, clusterId: string): Promise<boolean> {
  return (await deps.db.recoveryCredential.count({ where: { clusterId } })) > 0;
}
