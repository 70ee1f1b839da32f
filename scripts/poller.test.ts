import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { createClusterRow } from "@/lib/testing/cluster-row";

// `npm run poller` as its own process: it takes the lease of the cluster it polls, records what
// goes wrong (here a credential it cannot decrypt), and gives the lease back on SIGTERM, so a
// restarted poller polls at once instead of after the lease lapses.
const ROOT = path.resolve(__dirname, "..");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

it("records a crashing cycle and releases its lease on SIGTERM", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-poller-"));
  dirs.push(dataDir);
  const file = path.join(dataDir, "pve-standby.db");
  applyMigrations(file, path.join(ROOT, "prisma", "migrations"));
  const db = createDb(file);
  try {
    await createClusterRow(db, "c1");
    // One process (tsx as a loader, not as a wrapper), so SIGTERM reaches the poller itself.
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/poller.ts"], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, POLL_INTERVAL_SECONDS: "1", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

    await expect.poll(() => db.pollerLease.count(), { timeout: 90_000 }).toBe(1);
    await expect.poll(async () => (await db.cluster.findUniqueOrThrow({ where: { id: "c1" } })).pollFailures, { timeout: 30_000 }).toBeGreaterThan(0);
    const row = await db.cluster.findUniqueOrThrow({ where: { id: "c1" } });
    expect(row.lastPollFailure).toMatch(/^Poll cycle crashed: /);

    child.kill("SIGTERM");
    expect(await exited, output).toBe(0);
    expect(output).toMatch(/"cluster":"c1".*"msg":"Poll cycle crashed"/);
    expect(await db.pollerLease.count()).toBe(0);
    expect(await db.pollerHeartbeat.findFirst({ where: { stoppedAt: { not: null } } })).not.toBeNull();
    expect(output).toContain("Poller stopped; leases released");
  } finally {
    await db.$disconnect();
  }
}, 150_000);
