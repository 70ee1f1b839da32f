import "dotenv/config";
import path from "node:path";
import { defineConfig } from "prisma/config";

// The CLI needs a URL for `migrate deploy` on machines that can download Prisma's engine;
// the app itself opens the database through lib/db.ts and applies migrations on start.
const dataDir = process.env.DATA_DIR ?? "./data";
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? `file:${path.resolve(dataDir, "pve-standby.db")}` },
});
