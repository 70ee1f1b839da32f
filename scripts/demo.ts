// npm run demo: the app on 127.0.0.1 with demo accounts and its own data folder.
import { DEMO_ACCOUNTS } from "../lib/auth/setup";
import { ensureBuild, loadEnvOrExit, startNext, waitForHealth } from "./lib/next-server";

// Demo mode binds to loopback only: its accounts have a published password.
const env = loadEnvOrExit({ DEMO_MODE: "1", HOST: "127.0.0.1", DATA_DIR: process.env.DATA_DIR ?? "./data/demo", NODE_ENV: "production" });
ensureBuild();
startNext(env);
void waitForHealth(env.appUrl).then((ready) => {
  if (!ready) return console.error("The app did not become healthy within two minutes; see the log above.");
  console.log(
    [
      "",
      "pve-standby demo is running",
      `  Open      ${env.appUrl}`,
      ...DEMO_ACCOUNTS.map((a) => `  ${a.role.padEnd(9)} ${a.email} / ${env.DEMO_PASSWORD}`),
      `  Data      ${env.DATA_DIR} (delete it to start over)`,
      "  Stop      Ctrl+C",
      "",
    ].join("\n"),
  );
});
