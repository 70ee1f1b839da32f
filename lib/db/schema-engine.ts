import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import type * as SchemaEngineBg from "@prisma/schema-engine-wasm/schema_engine_bg";
import { readMigrations } from "./migrate";

// Dev tooling only (scripts/db-migrate.ts and tests): drives Prisma's schema engine compiled to
// Wasm through the better-sqlite3 adapter, because the native engine cannot be downloaded here.
// @prisma/schema-engine-wasm is a devDependency: never import this from app code.

type EngineModule = typeof SchemaEngineBg;

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
let engineModule: Promise<EngineModule> | undefined;

/** The package is a wasm-bindgen "bundler" build: plain Node has to instantiate the .wasm itself. */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bg: EngineModule = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = fs.readFileSync(bgPath.replace(/\.js$/, ".wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return engineModule;
}

/** Runs `work` with a schema engine connected to `databaseFile`, then closes every connection. */
async function withSchemaEngine<T>(
  databaseFile: string,
  schema: string,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const [bg, { bindMigrationAwareSqlAdapterFactory }] = await Promise.all([
    loadEngineModule(),
    import("@prisma/driver-adapter-utils"),
  ]);
  const inner = new PrismaBetterSqlite3({ url: path.resolve(databaseFile) });
  const opened: SqlDriverAdapter[] = [];
  const track = async (connection: Promise<SqlDriverAdapter>) => {
    const adapter = await connection;
    opened.push(adapter);
    return adapter;
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => track(inner.connect()),
    connectToShadowDb: () => track(inner.connectToShadowDb()),
  };
  const logs: string[] = [];
  const engine = await bg.SchemaEngine.new(
    { datamodels: [["schema.prisma", schema]] },
    (log: string) => logs.push(log),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  try {
    return await work(engine);
  } finally {
    engine.free();
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}

/**
 * The SQL that takes the live database `databaseFile` to the datamodel in `schemaFile`, as
 * `prisma migrate diff --from-config-datasource --to-schema --script` prints it; null when
 * nothing changes. Prisma's data-loss check (evaluateDataLoss) is not available: in the Wasm
 * engine it needs a shadow database it is never given for SQLite, so review the SQL by eye.
 */
export async function diffDatabaseToSchema(databaseFile: string, schemaFile: string): Promise<string | null> {
  const schema = fs.readFileSync(schemaFile, "utf8");
  const files = [{ path: "schema.prisma", content: schema }];
  return withSchemaEngine(databaseFile, schema, async (engine) => {
    const result = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: path.dirname(path.resolve(schemaFile)) },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    // exitCode 2 means "the diff is not empty" (prisma migrate diff --exit-code).
    return result.exitCode === 2 ? (result.stdout ?? "") : null;
  });
}

/** The migration list the Prisma CLI hands to the engine, built from `migrationsDir`. */
export function toMigrationList(migrationsDir: string): MigrationList {
  const lockfile = path.join(migrationsDir, "migration_lock.toml");
  return {
    baseDir: path.resolve(migrationsDir),
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockfile) ? fs.readFileSync(lockfile, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: readMigrations(migrationsDir).map((m) => ({
      path: m.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.script } },
    })),
  };
}

/**
 * What Prisma's own engine thinks of `databaseFile`'s history against `migrationsDir`
 * (edited/failed migrations, unapplied ones). Used by tests to prove lib/db/migrate.ts writes
 * a history that `prisma migrate deploy` accepts.
 */
export async function diagnoseMigrationHistory(databaseFile: string, schemaFile: string, migrationsDir: string) {
  const schema = fs.readFileSync(schemaFile, "utf8");
  return withSchemaEngine(databaseFile, schema, (engine) =>
    engine.diagnoseMigrationHistory({
      migrationsList: toMigrationList(migrationsDir),
      optInToShadowDatabase: false,
      filters: NO_FILTER,
    }),
  );
}

/** Applies migrations with Prisma's own engine (the `migrate deploy` code path); for tests. */
export async function applyMigrationsWithPrismaEngine(databaseFile: string, schemaFile: string, migrationsDir: string) {
  const schema = fs.readFileSync(schemaFile, "utf8");
  return withSchemaEngine(databaseFile, schema, (engine) =>
    engine.applyMigrations({ migrationsList: toMigrationList(migrationsDir), filters: NO_FILTER }),
  );
}
