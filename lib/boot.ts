import path from "node:path";
import { evaluateAfterPoll, startProcessAlertEngine } from "@/lib/alerts/after-poll";
import { getAppAlertEngine, setAppAlertEngine } from "@/lib/alerts/engine";
import { ensureDemoAccounts } from "@/lib/auth/setup";
import { assertDemoModeAllowed } from "@/lib/demo/demo-guard";
import { applyMigrations } from "@/lib/db/migrate";
import { appClusterClients } from "@/lib/clusters/cluster-clients";
import { getDb } from "@/lib/db/app-db";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { startAppPoller, stopAppPoller, triggerPoll } from "@/lib/poller/app-poller";
import { releaseAllLeasesSync } from "@/lib/poller/lease";
import { appRecoveryShellFor } from "@/lib/clusters/app-recovery-shell";
import { startAppFailoverExecutor } from "@/lib/failover/app-executor";
import { assertDataDirWritable, getServerSecrets } from "@/lib/server-secrets";

/**
 * Runs once per server start (instrumentation.ts): validate configuration, make sure the data
 * folder, secrets and database schema exist, in demo mode the demo accounts, and start the
 * poller unless it runs as its own process.
 */
export async function bootServer(): Promise<void> {
  const env = getEnv();
  assertDemoModeAllowed(env);
  assertDataDirWritable(env, (message) => logger.warn(message));
  const secrets = getServerSecrets();
  for (const file of secrets.generated) {
    logger.warn({ file }, "Generated a new secret. Back up the data folder: without it sessions end and stored Proxmox credentials cannot be decrypted.");
  }
  const applied = applyMigrations(env.databaseFile, path.join(process.cwd(), "prisma", "migrations"));
  if (applied.length > 0) logger.info({ applied }, "Database migrated");
  if (env.DEMO_MODE) {
    await ensureDemoAccounts(getDb(), env.DEMO_PASSWORD);
    logger.info("Demo mode: demo accounts are ready");
  }
  const alerts =
    getAppAlertEngine() ??
    setAppAlertEngine(startProcessAlertEngine({ db: getDb(), encryptionKey: secrets.encryptionKey, appUrl: env.appUrl, pollIntervalSeconds: env.POLL_INTERVAL_SECONDS, log: logger }));
  if (env.POLLER_ENABLED) {
    const poller = startAppPoller({
      db: getDb(),
      clients: appClusterClients(),
      intervalSeconds: env.POLL_INTERVAL_SECONDS,
      onCycle: evaluateAfterPoll(alerts),
    });
    // A clean stop gives the leases back so a restarted app polls at once. Next.js exits on its
    // own after SIGTERM; the exit hook releases synchronously if that comes first.
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void stopAppPoller());
    process.once("exit", () => {
      try {
        releaseAllLeasesSync(env.databaseFile, poller.holder);
      } catch (error) {
        logger.error({ err: error }, "Could not release the poll leases on exit; they lapse within a few intervals");
      }
    });
  }
  // Failovers run on the server, not in a browser tab: resumes any operation left running.
  startAppFailoverExecutor({
    db: getDb(),
    clientFor: (cluster) => appClusterClients().clientFor(cluster),
    now: Date.now,
    onClusterChanged: triggerPoll,
    // Recovery from a dead node: a root shell through the cluster's recovery credential.
    shellFor: appRecoveryShellFor(),
    onError: (operationId, error) => logger.error({ operationId, err: error }, "Failover executor pass crashed"),
  });
  logger.info({ url: env.appUrl, dataDir: env.DATA_DIR, demo: env.DEMO_MODE }, "pve-standby is ready");
}

/** A server that cannot boot says why in one line and exits, instead of serving errors. */
export async function bootServerOrExit(): Promise<void> {
  try {
    await bootServer();
  } catch (error) {
    console.error(`pve-standby cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
