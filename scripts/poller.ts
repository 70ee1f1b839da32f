// npm run poller: the poller as its own process (set POLLER_ENABLED=0 for the app then). It
// evaluates the alerts after every poll and sends the outbox exactly as the app does
// (lib/alerts/after-poll.ts); the engine's leases keep it and the app from doing so at once.
// Run with --conditions=react-server so modules marked "server-only" load outside Next.
import path from "node:path";
import { evaluateAfterPoll, startProcessAlertEngine } from "../lib/alerts/after-poll";
import { createClusterClients } from "../lib/clusters/cluster-clients";
import { buildClientForCluster } from "../lib/clusters/connection";
import { createDb } from "../lib/db/client";
import { applyMigrations } from "../lib/db/migrate";
import { logger } from "../lib/logger";
import { startPoller } from "../lib/poller/poller";
import { assertDataDirWritable, loadServerSecrets } from "../lib/server-secrets";
import { loadEnvOrExit } from "./lib/next-server";

const env = loadEnvOrExit();
assertDataDirWritable(env);
applyMigrations(env.databaseFile, path.join(__dirname, "..", "prisma", "migrations"));
const { encryptionKey } = loadServerSecrets(env);
const db = createDb(env.databaseFile);
const clients = createClusterClients({ build: (cluster) => buildClientForCluster(cluster, { encryptionKey }), db: () => db });
const alerts = startProcessAlertEngine({ db, encryptionKey, appUrl: env.appUrl, pollIntervalSeconds: env.POLL_INTERVAL_SECONDS, log: logger });
const poller = startPoller({ db, clients, intervalSeconds: env.POLL_INTERVAL_SECONDS, onCycle: evaluateAfterPoll(alerts) });
logger.info({ holder: poller.holder, database: env.databaseFile }, "Poller running");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    // stop() logs its own failures and never throws; the leases are released before exit.
    void poller
      .stop()
      .then(() => alerts.stop())
      .then(() => clients.closeAll())
      .then(() => db.$disconnect())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "Poller did not stop cleanly");
          process.exit(1);
        },
      );
  });
}
