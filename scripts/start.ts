// npm start: production mode. Never creates accounts; the first visit leads to /setup.
import { ensureBuild, loadEnvOrExit, startNext } from "./lib/next-server";

const env = loadEnvOrExit({ NODE_ENV: "production" });
if (env.DEMO_MODE) console.warn("DEMO_MODE is set: demo accounts will be created. Use `npm run demo` for a demo instead.");
ensureBuild();
startNext(env);
