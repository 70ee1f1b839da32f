import { isLoopbackHost, type Env } from "@/lib/env";

/**
 * Demo mode creates accounts with a published password, one of them an admin: it may only run
 * where nobody but this machine can reach it. The app server also refuses non-loopback peers
 * in demo mode (lib/http/incoming-request.ts), in case something forwards the port.
 */
export function assertDemoModeAllowed(env: Pick<Env, "DEMO_MODE" | "HOST" | "appUrl">): void {
  if (!env.DEMO_MODE) return;
  const appHost = new URL(env.appUrl).hostname;
  if (!isLoopbackHost(env.HOST) || !isLoopbackHost(appHost)) {
    throw new Error(
      `Demo mode only runs on loopback (its accounts have a published password), but HOST=${env.HOST} and APP_URL=${env.appUrl}. Use \`npm run demo\`, which listens on 127.0.0.1.`,
    );
  }
}

export const START_REFUSES_DEMO_MESSAGE =
  "pve-standby cannot start: DEMO_MODE=1 is set, but `npm start` runs a real installation. Demo accounts have a published password. Use `npm run demo` for a demo (it listens on 127.0.0.1 only), or remove DEMO_MODE from the environment.";
