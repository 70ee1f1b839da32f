// `npm run db:deploy`: applies pending prisma/migrations to the app's database, offline.
// Same database as prisma.config.ts: DATABASE_URL (file:...) or DATA_DIR/pve-standby.db.
// The app also does this on start; this script is for deploys and CI that want it up front.
import "dotenv/config";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations } from "../lib/db/migrate";

const root = fileURLToPath(new URL("..", import.meta.url));

function databaseFile(): string {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === "") {
    return path.resolve(process.env.DATA_DIR ?? "./data", "pve-standby.db");
  }
  if (!url.startsWith("file:")) throw new Error(`DATABASE_URL must be a file: URL for SQLite, got ${url}`);
  // Relative paths resolve from the current directory, like prisma.config.ts's DATA_DIR default.
  return path.resolve(url.slice("file:".length).replace(/\?.*$/, ""));
}

try {
  const file = databaseFile();
  const applied = applyMigrations(file, path.join(root, "prisma", "migrations"));
  console.log(
    applied.length === 0
      ? `${file}: already up to date`
      : `${file}: applied ${applied.length} migration(s): ${applied.join(", ")}`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
