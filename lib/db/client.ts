import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/prisma/generated/client";

// No `import "server-only"`: scripts, the simulator and the poller run outside Next.
// Client components must still never import lib/db.

export const BUSY_TIMEOUT_MS = 5_000;

// The adapter has no pragma options (only better-sqlite3's constructor options), so they run on
// every new connection. WAL lets the poller write while pages read; synchronous=NORMAL is the
// usual safe pairing with WAL; foreign_keys must be on for onDelete: SetNull to work.
const CONNECTION_PRAGMAS = [
  "PRAGMA journal_mode = WAL",
  `PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`,
  "PRAGMA foreign_keys = ON",
  "PRAGMA synchronous = NORMAL",
].join(";\n");

class PragmaBetterSqlite3 extends PrismaBetterSqlite3 {
  override async connect(): ReturnType<PrismaBetterSqlite3["connect"]> {
    const connection = await super.connect();
    await connection.executeScript(CONNECTION_PRAGMAS);
    return connection;
  }
}

/**
 * A PrismaClient on the SQLite file `databaseFile` (created with its folder when missing).
 * It does not migrate: call applyMigrations from ./migrate first.
 */
export function createDb(databaseFile: string): PrismaClient {
  const file = path.resolve(databaseFile);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const adapter = new PragmaBetterSqlite3({ url: file, timeout: BUSY_TIMEOUT_MS });
  return new PrismaClient({ adapter });
}
