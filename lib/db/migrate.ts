import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { migrationChecksum, scriptMatchesChecksum } from "./checksum";

// Applies prisma/migrations/* at start-up without Prisma's native schema engine (which these
// machines cannot download). It writes the same `_prisma_migrations` history as
// `prisma migrate deploy`, so either tool can take over from the other.

/** DDL copied from prisma-engines (sql-schema-connector, SQLite flavour, create_migrations_table). */
const MIGRATIONS_TABLE_DDL = `CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);
`;

// A second process starting at the same time waits on the write lock; a large table rebuild
// can take a while, so allow far longer than the app's query busy timeout.
const MIGRATION_BUSY_TIMEOUT_MS = 120_000;

export class MigrationError extends Error {
  override name = "MigrationError";
}

export interface MigrationFile {
  /** Folder name, e.g. `20261126052000_init`; this is `_prisma_migrations.migration_name`. */
  name: string;
  script: string;
}

export interface MigrationRecord {
  id: string;
  checksum: string;
  finished_at: number | string | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: number | string | null;
  started_at: number | string;
  applied_steps_count: number;
}

/** Reads `<dir>/<name>/migration.sql` folders, sorted by name as Prisma does. */
export function readMigrations(migrationsDir: string): MigrationFile[] {
  if (!fs.existsSync(migrationsDir)) {
    throw new MigrationError(`Migrations folder not found: ${migrationsDir}`);
  }
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(migrationsDir, name, "migration.sql");
      if (!fs.existsSync(file)) {
        throw new MigrationError(`Migration folder ${name} has no migration.sql (${file})`);
      }
      return { name, script: fs.readFileSync(file, "utf8") };
    });
}

/**
 * Brings `databaseFile` up to date with the migrations in `migrationsDir`. Creates the file and
 * its folder when missing, switches the database to WAL, and applies each pending migration in
 * its own IMMEDIATE transaction, so a concurrent caller waits and then finds nothing to do.
 * Throws MigrationError when an applied migration was edited, a failed migration is recorded,
 * or the database has tables but no migration history (it needs a Prisma baseline first).
 * Returns the names of the migrations this call applied, in order; empty when up to date.
 */
export function applyMigrations(databaseFile: string, migrationsDir: string): string[] {
  const migrations = readMigrations(migrationsDir);
  fs.mkdirSync(path.dirname(path.resolve(databaseFile)), { recursive: true });
  const db = new Database(databaseFile, { timeout: MIGRATION_BUSY_TIMEOUT_MS });
  try {
    db.pragma("journal_mode = WAL");
    // Prisma's table-rebuild migrations rely on `PRAGMA foreign_keys=OFF`, which is a no-op
    // inside a transaction; better-sqlite3 turns foreign keys on by default, and a DROP TABLE
    // with them on would run ON DELETE actions. They are checked explicitly before commit.
    db.pragma("foreign_keys = OFF");
    const applied: string[] = [];
    for (;;) {
      const next = applyNextMigration(db, migrations);
      if (next === null) return applied;
      applied.push(next);
    }
  } finally {
    db.close();
  }
}

/** Applies the first pending migration inside one transaction; null when none is pending. */
function applyNextMigration(db: Database.Database, migrations: MigrationFile[]): string | null {
  db.exec("BEGIN IMMEDIATE");
  try {
    // Read the history inside the lock: another process may have just applied something.
    const records = readHistory(db);
    checkHistory(records, migrations);
    const done = new Set(records.filter((r) => r.rolled_back_at === null).map((r) => r.migration_name));
    const pending = migrations.find((m) => !done.has(m.name));
    if (pending === undefined) {
      db.exec("COMMIT");
      return null;
    }
    runMigration(db, pending);
    db.exec("COMMIT");
    return pending.name;
  } catch (error) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

function readHistory(db: Database.Database): MigrationRecord[] {
  const hasTable = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
    .get();
  if (hasTable === undefined) {
    // Same rule as Prisma's `initialize` (error P3005): never adopt a database we did not create.
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[];
    if (tables.length > 0) {
      throw new MigrationError(
        `The database is not empty but has no _prisma_migrations table (tables: ${tables
          .map((t) => t.name)
          .join(", ")}). Baseline it with \`prisma migrate resolve --applied <migration>\` first.`,
      );
    }
    db.exec(MIGRATIONS_TABLE_DDL);
    return [];
  }
  return db.prepare('SELECT * FROM "_prisma_migrations" ORDER BY started_at').all() as MigrationRecord[];
}

/** Refuses what `prisma migrate deploy` refuses (P3009 failed) plus edited applied files. */
function checkHistory(records: MigrationRecord[], migrations: MigrationFile[]): void {
  const failed = records.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed.length > 0) {
    const names = failed.map((r) => r.migration_name).join(", ");
    throw new MigrationError(
      `Found failed migration(s) in the database: ${names}. Fix the database by hand, then mark ` +
        `them with \`prisma migrate resolve --rolled-back <name>\` or \`--applied <name>\`.`,
    );
  }
  const byName = new Map(migrations.map((m) => [m.name, m]));
  const edited = records.filter((r) => {
    const file = byName.get(r.migration_name);
    return r.rolled_back_at === null && file !== undefined && !scriptMatchesChecksum(file.script, r.checksum);
  });
  if (edited.length > 0) {
    const names = edited.map((r) => r.migration_name).join(", ");
    throw new MigrationError(
      `Migration file(s) changed after they were applied: ${names}. Restore the original ` +
        `migration.sql and put the change in a new migration (npm run db:migrate -- --name <name>).`,
    );
  }
}

/** The same row life cycle as the schema engine: started, one successful step, finished. */
function runMigration(db: Database.Database, migration: MigrationFile): void {
  const id = randomUUID();
  // Prisma's native SQLite engine binds DateTime values as Unix epoch milliseconds.
  db.prepare(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, 0)',
  ).run(id, migrationChecksum(migration.script), migration.name, Date.now());
  try {
    db.exec(migration.script);
  } catch (error) {
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${String(error)}`, {
      cause: error,
    });
  }
  const violations = db.prepare("PRAGMA foreign_key_check").all();
  if (violations.length > 0) {
    throw new MigrationError(
      `Migration ${migration.name} was rolled back: it leaves ${violations.length} foreign key violation(s), ` +
        `first ${JSON.stringify(violations[0])}`,
    );
  }
  db.prepare(
    'UPDATE "_prisma_migrations" SET applied_steps_count = applied_steps_count + 1, finished_at = ? WHERE id = ?',
  ).run(Date.now(), id);
}
