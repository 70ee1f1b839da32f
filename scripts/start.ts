// npm start: production mode. Never creates accounts; the first visit leads to /setup.
import { START_REFUSES_DEMO_MESSAGE } from "../lib/demo/demo-guard";
import { ensureBuild, loadEnvOrExit, startNext } from "./lib/next-server";

const env = loadEnvOrExit({ NODE_ENV: "production" });
// Only `npm run demo` sets DEMO_MODE; a real installation with it set would publish an admin password.
if (env.DEMO_MODE) {
  console.error(START_REFUSES_DEMO_MESSAGE);
  process.exit(1);
}
ensureBuild();
startNext(env);
