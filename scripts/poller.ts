// npm run poller: the poller as its own process (set POLLER_ENABLED=0 for the app then).
// Run with --conditions=react-server so modules marked "server-only" load outside Next.
import path from "node:path";
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
const poller = startPoller({
  db,
  clientFor: (cluster) => buildClientForCluster(cluster, { encryptionKey }),
  onCycle: (cluster, result, ms) =>
    result.ok ? logger.debug({ cluster: cluster.name, jobs: result.jobs, ms }, "polled") : logger.warn({ cluster: cluster.name, failure: result.failure, ms }, "poll failed"),
  onError: (cluster, error) => logger.error({ cluster: cluster.name, err: error }, "Poll cycle crashed"),
});
logger.info({ holder: poller.holder, database: env.databaseFile }, "Poller running");
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void poller.stop().then(() => db.$disconnect()).then(() => process.exit(0)));
}
