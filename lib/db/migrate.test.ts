import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrationChecksum, scriptMatchesChecksum } from "./checksum";
import { createDb } from "./client";
import { applyMigrations, MigrationError } from "./migrate";
import { applyMigrationsWithPrismaEngine, diagnoseMigrationHistory } from "./schema-engine";

const repo = path.resolve(__dirname, "../..");
const realMigrations = path.join(repo, "prisma", "migrations");
const schemaFile = path.join(repo, "prisma", "schema.prisma");
const migrationNames = fs
  .readdirSync(realMigrations, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

let tmp: string;
let migrationsDir: string;
let dbFile: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-db-test-"));
  // A copy, so tests can edit or add migrations without touching the repo.
  migrationsDir = path.join(tmp, "migrations");
  fs.cpSync(realMigrations, migrationsDir, { recursive: true });
  dbFile = path.join(tmp, "nested", "data", "test.db");
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Row {
  id: string;
  checksum: string;
  finished_at: number | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: number | null;
  started_at: number;
  applied_steps_count: number;
}

function history(file = dbFile): Row[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM "_prisma_migrations" ORDER BY started_at').all() as Row[];
  } finally {
    db.close();
  }
}

function tables(file = dbFile): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    return (rows as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

function addMigration(name: string, sql: string): void {
  fs.mkdirSync(path.join(migrationsDir, name));
  fs.writeFileSync(path.join(migrationsDir, name, "migration.sql"), sql);
}

describe("checksum", () => {
  it("matches Prisma's rendering and its line-ending and old-format tolerance", () => {
    // Expected values from prisma-engines checksum.rs tests.
    expect(migrationChecksum("hello")).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    expect(scriptMatchesChecksum("a\r\nb\r\n", migrationChecksum("a\nb\n"))).toBe(true);
    expect(scriptMatchesChecksum("abc\n", migrationChecksum("abc"))).toBe(false);
    const unpadded = Array.from(createHash("sha256").update("x").digest(), (b) => b.toString(16)).join("");
    expect(scriptMatchesChecksum("x", unpadded)).toBe(true);
  });
});

describe("applyMigrations", () => {
  it("creates the folder, every table and Prisma's history rows on a fresh database", () => {
    const applied = applyMigrations(dbFile, migrationsDir);

    expect(applied).toEqual(migrationNames);
    expect(tables()).toEqual(expect.arrayContaining(["User", "AuditEvent", "LoginAttempt", "_prisma_migrations"]));
    const rows = history();
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      const sql = fs.readFileSync(path.join(migrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(typeof row.finished_at).toBe("number");
      expect(row.finished_at).toBeGreaterThanOrEqual(row.started_at);
    }
  });

  it("is a no-op when run again", () => {
    applyMigrations(dbFile, migrationsDir);
    const before = history();

    expect(applyMigrations(dbFile, migrationsDir)).toEqual([]);
    expect(history()).toEqual(before);
  });

  it("applies only the new migration later, and accepts CRLF checkouts of applied ones", () => {
    applyMigrations(dbFile, migrationsDir);
    const first = path.join(migrationsDir, migrationNames[0] ?? "", "migration.sql");
    fs.writeFileSync(first, fs.readFileSync(first, "utf8").replaceAll("\n", "\r\n"));
    addMigration("29990101000000_add_note", 'ALTER TABLE "User" ADD COLUMN "note" TEXT;\n');

    expect(applyMigrations(dbFile, migrationsDir)).toEqual(["29990101000000_add_note"]);
    expect(history()).toHaveLength(migrationNames.length + 1);
  });

  it("rebuilds a referenced table without firing ON DELETE actions on the rows that point at it", () => {
    applyMigrations(dbFile, migrationsDir);
    const db = new Database(dbFile);
    db.exec(`INSERT INTO "User" (id, email, name, passwordHash, role, updatedAt) VALUES ('u1', 'a@b.c', 'A', 'x', 'admin', 0);
      INSERT INTO "AuditEvent" (id, actorId, actorLabel, actorType, action, outcome) VALUES ('e1', 'u1', 'A', 'user', 'x.y', 'success');`);
    db.close();
    // The shape of the SQL Prisma generates when a SQLite column changes (here: name becomes optional).
    addMigration(
      "29990101000000_optional_name",
      `PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" ("id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "name" TEXT, "passwordHash" TEXT NOT NULL,
  "role" TEXT NOT NULL, "disabled" BOOLEAN NOT NULL DEFAULT false, "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
  "sessionVersion" INTEGER NOT NULL DEFAULT 0, "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" DATETIME NOT NULL, "lastLoginAt" DATETIME);
INSERT INTO "new_User" SELECT * FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
`,
    );

    expect(applyMigrations(dbFile, migrationsDir)).toEqual(["29990101000000_optional_name"]);
    const check = new Database(dbFile, { readonly: true });
    expect(check.prepare('SELECT actorId FROM "AuditEvent"').get()).toEqual({ actorId: "u1" });
    check.close();
  });

  it("refuses an applied migration whose file was edited", () => {
    applyMigrations(dbFile, migrationsDir);
    const first = path.join(migrationsDir, migrationNames[0] ?? "", "migration.sql");
    fs.appendFileSync(first, "\n-- edited\n");

    expect(() => applyMigrations(dbFile, migrationsDir)).toThrow(MigrationError);
    expect(() => applyMigrations(dbFile, migrationsDir)).toThrow(/changed after they were applied/);
  });

  it("refuses when a failed migration is recorded", () => {
    applyMigrations(dbFile, migrationsDir);
    const db = new Database(dbFile);
    db.prepare('UPDATE "_prisma_migrations" SET finished_at = NULL, logs = ?').run("boom");
    db.close();
    addMigration("29990101000000_add_note", 'ALTER TABLE "User" ADD COLUMN "note" TEXT;\n');

    expect(() => applyMigrations(dbFile, migrationsDir)).toThrow(/failed migration/);
    expect(history().map((r) => r.migration_name)).not.toContain("29990101000000_add_note");
  });

  it("rolls back a migration that fails and records nothing for it", () => {
    applyMigrations(dbFile, migrationsDir);
    addMigration("29990101000000_broken", 'CREATE TABLE "Half" ("id" TEXT);\nTHIS IS NOT SQL;\n');

    expect(() => applyMigrations(dbFile, migrationsDir)).toThrow(/29990101000000_broken failed/);
    expect(tables()).not.toContain("Half");
    expect(history()).toHaveLength(migrationNames.length);
  });

  it("refuses a non-empty database without migration history", () => {
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    const db = new Database(dbFile);
    db.exec("CREATE TABLE legacy (id INTEGER)");
    db.close();

    expect(() => applyMigrations(dbFile, migrationsDir)).toThrow(/no _prisma_migrations table/);
  });

  it("is safe when several processes start at once", async () => {
    const runner = path.join(repo, "lib", "db", "migrate.ts");
    const tsx = path.join(repo, "node_modules", ".bin", "tsx");
    const code = `import { applyMigrations } from ${JSON.stringify(runner)};
      console.log(JSON.stringify(applyMigrations(${JSON.stringify(dbFile)}, ${JSON.stringify(migrationsDir)})));`;
    const run = () =>
      new Promise<{ status: number | null; out: string }>((resolve) => {
        const child = spawn(tsx, ["--eval", code], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        child.on("close", (status) => resolve({ status, out }));
      });

    // Hold the write lock while they start, so all three queue on it and race when it is freed.
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    const holder = new Database(dbFile);
    holder.pragma("journal_mode = WAL");
    holder.exec("BEGIN IMMEDIATE");
    const pending = Promise.all([run(), run(), run()]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    holder.exec("COMMIT");
    holder.close();
    const results = await pending;

    for (const r of results) expect(r.status, r.out).toBe(0);
    const applied = results.flatMap((r) => JSON.parse(r.out) as string[]);
    expect(applied.sort()).toEqual(migrationNames);
    expect(history()).toHaveLength(migrationNames.length);
  });
});

describe("compatibility with Prisma's schema engine (the code behind prisma migrate deploy)", () => {
  it("sees our history as complete, unedited and not failed", async () => {
    applyMigrations(dbFile, migrationsDir);

    const diagnosis = await diagnoseMigrationHistory(dbFile, schemaFile, migrationsDir);
    expect(diagnosis).toEqual({
      editedMigrationNames: [],
      failedMigrationNames: [],
      hasMigrationsTable: true,
      history: null,
    });
    expect(await applyMigrationsWithPrismaEngine(dbFile, schemaFile, migrationsDir)).toEqual({
      appliedMigrationNames: [],
    });
  });

  it("takes over a database that Prisma migrated, with the same checksums", async () => {
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    await applyMigrationsWithPrismaEngine(dbFile, schemaFile, migrationsDir);
    const prismaRows = history();

    expect(applyMigrations(dbFile, migrationsDir)).toEqual([]);
    const ours = path.join(tmp, "ours.db");
    applyMigrations(ours, migrationsDir);
    expect(history(ours).map((r) => r.checksum)).toEqual(prismaRows.map((r) => r.checksum));
  });
});

describe("createDb", () => {
  it("writes and reads a User with WAL, busy timeout and foreign keys on", async () => {
    applyMigrations(dbFile, migrationsDir);
    const db = createDb(dbFile);
    try {
      const pragma = async (name: string) => {
        const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
        return Object.values(rows[0] ?? {})[0];
      };
      expect(await pragma("journal_mode")).toBe("wal");
      expect(Number(await pragma("foreign_keys"))).toBe(1);
      expect(Number(await pragma("busy_timeout"))).toBe(5000);

      const user = await db.user.create({
        data: { email: "ops@example.test", name: "Ops", passwordHash: "x", role: "admin" },
      });
      await db.auditEvent.create({
        data: { actorId: user.id, actorLabel: "ops", actorType: "user", action: "user.create", outcome: "success" },
      });
      const found = await db.user.findUnique({ where: { email: "ops@example.test" } });
      expect(found).toMatchObject({ id: user.id, role: "admin", disabled: false, sessionVersion: 0 });
      expect(found?.createdAt).toBeInstanceOf(Date);

      // onDelete: SetNull only happens when SQLite enforces foreign keys on this connection.
      await db.user.delete({ where: { id: user.id } });
      const event = await db.auditEvent.findFirstOrThrow();
      expect(event.actorId).toBeNull();
    } finally {
      await db.$disconnect();
    }
  });
});
