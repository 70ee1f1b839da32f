import "server-only";
import { getEnv } from "@/lib/env";
import { loadServerSecrets, type ServerSecrets } from "@/lib/server-secrets";

const globalForSecrets = globalThis as unknown as { pveStandbySecrets?: ServerSecrets };

/** The session secret and credential key, loaded (or generated) once per process. */
export function getServerSecrets(): ServerSecrets {
  globalForSecrets.pveStandbySecrets ??= loadServerSecrets(getEnv());
  return globalForSecrets.pveStandbySecrets;
}
