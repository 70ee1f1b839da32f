// postinstall: `prisma generate` offline. Generate never runs the native schema engine, but the
// CLI insists the binary exists and tries to download it; pointing it at any existing file
// skips the download (see ../shared/docs/stack-notes.md, "Prisma offline").
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
const result = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
