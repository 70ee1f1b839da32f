import pino from "pino";

// Structured JSON logs. Anything that may carry a credential is redacted by key, wherever it nests.
export const REDACT_PATHS = [
  "password", "*.password", "secret", "*.secret", "tokenSecret", "*.tokenSecret", "passwordHash", "*.passwordHash",
  "authorization", "*.authorization", "headers.cookie", "*.headers.cookie", "ticket", "*.ticket", "CSRFPreventionToken",
];

export function createLogger(level = process.env.LOG_LEVEL ?? "info") {
  return pino({ level, base: { app: "pve-standby" }, redact: { paths: REDACT_PATHS, censor: "[redacted]" } });
}

const globalForLogger = globalThis as unknown as { pveStandbyLogger?: pino.Logger };
export const logger = (globalForLogger.pveStandbyLogger ??= createLogger());
