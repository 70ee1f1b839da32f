// npm run demo: the app on 127.0.0.1 with demo accounts, an embedded Proxmox VE simulator
// registered as cluster "demo", and a day of history replayed by the real poller first.
// Runs with --conditions=react-server so modules marked "server-only" load outside Next.
import path from "node:path";
import { DEMO_ACCOUNTS } from "../lib/auth/setup";
import { createDb } from "../lib/db/client";
import { applyMigrations } from "../lib/db/migrate";
import { setRecoveryCredential } from "../lib/clusters/recovery-credential";
import { recoveryCredentialInputSchema } from "../lib/clusters/recovery-schemas";
import { registerDemoCluster, warmUpHistory } from "../lib/demo/demo-cluster";
import { assertDemoModeAllowed } from "../lib/demo/demo-guard";
import { assertDataDirWritable, loadServerSecrets } from "../lib/server-secrets";
import { resolveControlToken } from "../lib/simulator/control";
import { startServers } from "../lib/simulator/server";
import { createSimulator } from "../lib/simulator/simulator";
import { ensureBuild, loadEnvOrExit, startNext, waitForHealth } from "./lib/next-server";

const HISTORY_SECONDS = 24 * 3600;
const STEP_SECONDS = 60;

// Demo mode binds to loopback only: its accounts have a published password.
const env = loadEnvOrExit({ DEMO_MODE: "1", HOST: "127.0.0.1", DATA_DIR: process.env.DATA_DIR ?? "./data/demo", NODE_ENV: "production" });
const simulatorPort = Number(process.env.SIMULATOR_PORT ?? 8006);

async function main() {
  assertDemoModeAllowed(env);
  ensureBuild();
  assertDataDirWritable(env);
  applyMigrations(env.databaseFile, path.join(__dirname, "..", "prisma", "migrations"));
  const { encryptionKey } = loadServerSecrets(env);

  const simulatorDir = path.join(env.DATA_DIR, "simulator");
  const controlToken = resolveControlToken(simulatorDir, process.env.SIM_CONTROL_TOKEN);
  const sim = createSimulator({ scenario: "demo", seed: 1, startTime: Math.floor(Date.now() / 1000) - HISTORY_SECONDS, speed: 0, controlToken });
  const servers = await startServers(sim, { port: simulatorPort, dataDir: simulatorDir });
  const db = createDb(env.databaseFile);
  const cluster = await registerDemoCluster(db, sim, servers, encryptionKey);

  const started = Date.now();
  const { steps, failures } = await warmUpHistory(db, sim, cluster, {
    encryptionKey,
    seconds: HISTORY_SECONDS,
    stepSeconds: STEP_SECONDS,
    onProgress: (done, total) => {
      if (done % 120 === 0 || done === total) process.stdout.write(`\rReplaying the last 24 h of the demo cluster: ${Math.round((done / total) * 100)}%`);
    },
  });
  console.log(`\nReplayed ${steps} polls in ${((Date.now() - started) / 1000).toFixed(1)} s (${failures} failed).`);
  // The simulated nodes' root login as the cluster's recovery credential (each node's sshd on its
  // own loopback port), so a dead node's non-HA guests can be recovered by clicking.
  await setRecoveryCredential(
    db,
    cluster.id,
    recoveryCredentialInputSchema.parse({
      authKind: "password",
      password: sim.credentials.rootPassword,
      nodeAddresses: Object.fromEntries(servers.endpoints.map((e) => [e.node, `127.0.0.1:${e.sshPort}`])),
    }),
    "npm run demo",
    encryptionKey,
  );
  await db.$disconnect();

  // From here on the cluster lives in real time and the app's own poller takes over.
  sim.clock.set(Math.max(sim.clock.nowMs(), Date.now()));
  sim.clock.setSpeed(1);
  startNext(env);
  if (!(await waitForHealth(env.appUrl))) return console.error("The app did not become healthy within two minutes; see the log above.");
  console.log(
    [
      "",
      "pve-standby demo is running",
      `  Open       ${env.appUrl}`,
      ...DEMO_ACCOUNTS.map((a) => `  ${a.role.padEnd(10)} ${a.email} / ${env.DEMO_PASSWORD}`),
      `  Simulator  ${servers.endpoints.map((e) => `${e.node} https://127.0.0.1:${e.port}`).join(", ")}`,
      `  SSH        ${servers.endpoints.map((e) => `${e.node} root@127.0.0.1 -p ${e.sshPort}`).join(", ")} (password ${sim.credentials.rootPassword}; the cluster's recovery credential)`,
      `  Incidents  https://127.0.0.1:<any node's port>/control/… with Authorization: Bearer ${controlToken} (a node you power off closes its port: send the next call to another)`,
      `  Data       ${env.DATA_DIR} (delete it to start over)`,
      "  Stop       Ctrl+C",
      "",
    ].join("\n"),
  );
}

main().catch((error) => {
  console.error(`The demo cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
