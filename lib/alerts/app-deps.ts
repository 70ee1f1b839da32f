import "server-only";
import { getEnv } from "@/lib/env";
import { getServerSecrets } from "@/lib/server-secrets";
import { getAppAlertEngine } from "./engine";

/** What the alert routes need from the running server. */
export function alertAppContext() {
  return { encryptionKey: getServerSecrets().encryptionKey, appUrl: getEnv().appUrl, now: () => new Date() };
}

/** Re-evaluates and sends at once after an operator's change (no-op before boot). */
export function nudgeAlerts(clusterIds?: string[]): void {
  void getAppAlertEngine()?.evaluate(clusterIds);
}
