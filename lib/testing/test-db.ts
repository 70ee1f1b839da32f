import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import type { PrismaClient } from "@/prisma/generated/client";

/** A real, migrated SQLite file in a fresh temp folder, removed by `cleanup`. */
export function createTestDb(): { db: PrismaClient; file: string; cleanup: () => Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-test-db-"));
  const file = path.join(dir, "test.db");
  applyMigrations(file, path.join(process.cwd(), "prisma", "migrations"));
  const db = createDb(file);
  return {
    db,
    file,
    cleanup: async () => {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
