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
  assertSecretsPrivate(dir);
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

/**
 * Makes sure DATA_DIR exists, is writable and private: the folder is created 0700 and the
 * database file 0600 before SQLite opens it (SQLite gives its -wal and -shm files the
 * database's mode). Looser modes on an existing folder or database are reported with the
 * command that fixes them; secrets readable by others stop the start (assertSecretsPrivate).
 */
export function assertDataDirWritable(env: Env, warn: (message: string) => void = console.warn): void {
  try {
    fs.mkdirSync(env.DATA_DIR, { recursive: true, mode: 0o700 });
    fs.accessSync(env.DATA_DIR, fs.constants.W_OK);
    fs.closeSync(fs.openSync(env.databaseFile, "a", 0o600));
  } catch (error) {
    throw new Error(`DATA_DIR=${env.DATA_DIR} is not a writable folder (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  const loose = [env.DATA_DIR, env.databaseFile].filter((p) => (fs.statSync(p).mode & 0o077) !== 0);
  if (loose.length > 0) {
    warn(`Other users of this machine can read ${loose.join(" and ")}. Fix it with: chmod 700 ${quote(env.DATA_DIR)} && chmod 600 ${quote(env.databaseFile)}*`);
  }
}

/** The session secret and the credential key must be readable by this user only; otherwise refuse to start. */
export function assertSecretsPrivate(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const paths = [dir, ...fs.readdirSync(dir).map((name) => path.join(dir, name))];
  const loose = paths.filter((p) => (fs.statSync(p).mode & 0o077) !== 0);
  if (loose.length === 0) return;
  const modes = loose.map((p) => `${p} (${(fs.statSync(p).mode & 0o777).toString(8)})`).join(", ");
  throw new Error(
    `The secrets can be read by other users of this machine: ${modes}. Fix it with: chmod 700 ${quote(dir)} && chmod 600 ${quote(dir)}/*`,
  );
}

function quote(p: string): string {
  return /^[\w./-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`;
}
