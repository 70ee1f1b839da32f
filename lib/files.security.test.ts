// Files stay private: DATA_DIR 0700, the database 0600 before SQLite opens it, generated
// secrets 0600, and a start refused (with the fixing command) when secrets are readable by others.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/db/migrate";
import { parseEnv } from "@/lib/env";
import { assertDataDirWritable, loadServerSecrets } from "@/lib/server-secrets";

let tmp: string;
const mode = (p: string) => fs.statSync(p).mode & 0o777;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-files-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("data folder modes", () => {
  it("creates DATA_DIR 0700 and the database (and SQLite's side files) 0600, whatever the umask", () => {
    const old = process.umask(0o022);
    try {
      const env = parseEnv({ DATA_DIR: path.join(tmp, "data") });
      assertDataDirWritable(env, () => {});
      applyMigrations(env.databaseFile, path.join(process.cwd(), "prisma", "migrations"));
      expect(mode(env.DATA_DIR)).toBe(0o700);
      for (const file of fs.readdirSync(env.DATA_DIR).filter((f) => f.startsWith("pve-standby.db"))) {
        expect(mode(path.join(env.DATA_DIR, file)), file).toBe(0o600);
      }
      loadServerSecrets(env);
      expect(mode(path.join(env.DATA_DIR, "secrets"))).toBe(0o700);
      expect(mode(path.join(env.DATA_DIR, "secrets", "auth-secret"))).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });

  it("warns with the chmod command when an existing folder or database is readable by others", () => {
    const env = parseEnv({ DATA_DIR: tmp });
    fs.chmodSync(tmp, 0o755);
    const warnings: string[] = [];
    assertDataDirWritable(env, (m) => warnings.push(m));
    expect(warnings.join("\n")).toContain(`chmod 700 ${tmp} && chmod 600 ${env.databaseFile}*`);
  });
});

describe("secrets", () => {
  it("refuses to start when the secrets are readable by others, printing the command that fixes it", () => {
    const env = parseEnv({ DATA_DIR: tmp });
    loadServerSecrets(env);
    const dir = path.join(tmp, "secrets");
    fs.chmodSync(path.join(dir, "encryption-key"), 0o644);
    expect(() => loadServerSecrets(env)).toThrow(`chmod 700 ${dir} && chmod 600 ${dir}/*`);
    fs.chmodSync(path.join(dir, "encryption-key"), 0o600);
    fs.chmodSync(dir, 0o755);
    expect(() => loadServerSecrets(env)).toThrow(/can be read by other users/);
    fs.chmodSync(dir, 0o700);
    expect(() => loadServerSecrets(env)).not.toThrow();
  });
});
