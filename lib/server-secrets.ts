import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { getEnv, type Env } from "@/lib/env";

export type ServerSecrets = { authSecret: string; encryptionKey: Buffer; generated: string[] };

const globalForSecrets = globalThis as unknown as { pveStandbySecrets?: ServerSecrets };

/** The session secret and credential key, loaded (or generated) once per process. */
export function getServerSecrets(): ServerSecrets {
  globalForSecrets.pveStandbySecrets ??= loadServerSecrets(getEnv());
  return globalForSecrets.pveStandbySecrets;
}

/**
 * Secrets from the environment, or generated once into DATA_DIR/secrets (mode 0600).
 * Losing that folder signs everybody out and makes stored Proxmox credentials unreadable,
 * which is why the caller warns that the data folder must be backed up.
 */
export function loadServerSecrets(env: Env): ServerSecrets {
  const generated: string[] = [];
  const dir = path.join(env.DATA_DIR, "secrets");
  const read = (name: string, make: () => string): string => {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const value = make();
    // "wx" fails if another process created it meanwhile; then read theirs.
    try {
      fs.writeFileSync(file, value + "\n", { mode: 0o600, flag: "wx" });
      generated.push(file);
      return value;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8").trim();
      throw error;
    }
  };
  const authSecret = env.AUTH_SECRET ?? read("auth-secret", () => crypto.randomBytes(32).toString("base64"));
  const keyText = env.ENCRYPTION_KEY ?? read("encryption-key", () => crypto.randomBytes(32).toString("base64"));
  const encryptionKey = Buffer.from(keyText, "base64");
  if (encryptionKey.length !== 32) throw new Error(`The encryption key in ${dir}/encryption-key is not 32 bytes of base64.`);
  return { authSecret, encryptionKey, generated };
}

/** Fails with a message naming DATA_DIR when the folder cannot be created or written. */
export function assertDataDirWritable(env: Env): void {
  try {
    fs.mkdirSync(env.DATA_DIR, { recursive: true });
    fs.accessSync(env.DATA_DIR, fs.constants.W_OK);
  } catch (error) {
    throw new Error(`DATA_DIR=${env.DATA_DIR} is not a writable folder (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}
