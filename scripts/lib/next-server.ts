import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { EnvError, parseEnv, type Env } from "../../lib/env";

const ROOT = path.resolve(__dirname, "../..");
const SOURCE_DIRS = ["app", "components", "lib", "prisma/schema.prisma", "proxy.ts", "instrumentation.ts", "next.config.js", "package.json"];

/** Validated configuration, or a readable message and exit code 1 (no stack trace for a typo). */
export function loadEnvOrExit(overrides: Record<string, string> = {}): Env {
  // The overrides are what this script means (demo mode, a throwaway folder); the server it
  // starts must see them too.
  Object.assign(process.env, overrides);
  try {
    return parseEnv({ ...process.env, ...overrides });
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`pve-standby cannot start.\n${error.message}\nSee .env.example for every variable.`);
      process.exit(1);
    }
    throw error;
  }
}

/** Builds the production bundle when there is none or any source file is newer than it. */
export function ensureBuild(): void {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  if (builtAt > 0 && newestMtime(SOURCE_DIRS.map((p) => path.join(ROOT, p))) < builtAt) return;
  console.log(builtAt ? "Sources changed since the last build; building…" : "Building pve-standby (first start only)…");
  const result = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Starts the production server (scripts/lib/app-server.ts: Next behind a layer that knows the socket). */
export function startNext(env: Env, extra: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "app-server.ts")], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, ...extra, NODE_ENV: "production", NEXTAUTH_URL: env.appUrl, DATA_DIR: env.DATA_DIR, HOST: env.HOST, PORT: String(env.PORT), NEXT_TELEMETRY_DISABLED: "1" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 0));
  return child;
}

export async function waitForHealth(url: string, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) if (entry !== "generated" && entry !== "node_modules") visit(path.join(p, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}
