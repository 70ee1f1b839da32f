import path from "node:path";
import { z } from "zod";

// Every variable pve-standby reads, validated once. .env.example documents each of them.
const flag = z
  .enum(["0", "1", "true", "false"], { message: "must be 0/1 or true/false" })
  .transform((v) => v === "1" || v === "true");

const positiveInt = (fallback: number) => z.coerce.number({ message: "must be a number" }).int().positive().default(fallback);

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATA_DIR: z.string().min(1).default("./data"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number({ message: "must be a port number" }).int().min(1).max(65535).default(3000),
  APP_URL: z.url({ message: "must be an absolute URL such as https://standby.example.com" }).optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes in base64 (openssl rand -base64 32)")
    .optional(),
  // Absolute lifetime of a sign-in, from the moment of sign-in; refreshing never extends it.
  SESSION_MAX_AGE_HOURS: positiveInt(12),
  // A session nobody used (page load, action, window focus) for this long ends.
  SESSION_IDLE_MINUTES: positiveInt(60),
  DEMO_MODE: flag.default(false),
  DEMO_PASSWORD: z.string().min(1).default("demo"),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: positiveInt(20),
  LOGIN_LOCKOUT_MINUTES: positiveInt(15),
  TRUST_PROXY: flag.default(false),
  // How many reverse proxies stand in front of the app (each appends to X-Forwarded-For);
  // only read when TRUST_PROXY=1. The client is the address this many hops from the right.
  TRUST_PROXY_HOPS: z.coerce.number({ message: "must be a number of proxies" }).int().min(1).max(10).default(1),
  POLLER_ENABLED: flag.default(true),
  POLL_INTERVAL_SECONDS: z.coerce.number({ message: "must be a number of seconds" }).int().min(1).max(3600).optional(),
  // Failover part 2: how long a node must have been seen offline before its guests may be recovered.
  RECOVERY_MIN_OFFLINE_SECONDS: z.coerce.number({ message: "must be a number of seconds" }).int().min(0).max(86_400).default(120),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof envSchema> & { databaseFile: string; appUrl: string };

export class EnvError extends Error {}

/** Parses the environment; throws EnvError naming each bad variable and what is wrong with it. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])] ?? null)})`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = result.data;
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    ...env,
    DATA_DIR: dataDir,
    databaseFile: path.join(dataDir, "pve-standby.db"),
    appUrl: (env.APP_URL ?? `http://${env.HOST === "0.0.0.0" ? "127.0.0.1" : env.HOST}:${env.PORT}`).replace(/\/$/, ""),
  };
}

const LOOPBACK_NAMES = new Set(["127.0.0.1", "::1", "[::1]", "localhost"]);

/** True for names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return LOOPBACK_NAMES.has(h) || /^127(\.\d{1,3}){3}$/.test(h) || h.endsWith(".localhost");
}

let cached: Env | undefined;
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}
