// The overview in a real browser: the production app on its own port, a data folder holding
// 5,000 jobs written by a real poll cycle of the large scenario, headless Chromium through
// Playwright's library API. Measures the time from navigation until the table shows its rows,
// from the last typed character of a filter until the table shows only matching rows, and until
// the server's answer for that filter is on screen.
// BENCH_APP_PORT (default 18800) is the app's port. `npm run bench -- browser`
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { createFirstAdmin } from "@/lib/auth/setup";
import { createDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { runPollCycle } from "@/lib/poller/run-cycle";
import { ensureBuild, waitForHealth } from "../lib/next-server";
import { createClusterRow, guestsForJobs, startLargeCluster } from "./lib/cluster";
import { report, runMain, type Figure } from "./lib/results";
import { sized } from "./lib/scale";
import { processTreeRss } from "./lib/process-rss";
import { median } from "./lib/stats";

const ROOT = path.resolve(__dirname, "../..");
const PORT = Number(process.env.BENCH_APP_PORT ?? 18800);
const NODES = sized(30, 3);
const JOBS = sized(5000, 300);
const RUNS = 5;
const ADMIN = { name: "Bench Admin", email: "bench@example.com", password: "bench-admin-pass-1" };
// Guests are named vm-<vmid> / ct-<vmid> from 100 up; the small size's 333 guests end at 432.
const QUERIES = sized(["vm-12", "ct-23", "vm-34", "vm-45", "ct-56", "vm-67", "vm-78"], ["vm-10", "vm-11", "vm-12", "vm-13", "vm-14", "vm-15", "vm-16"]);

/** Seeds a data folder: migrations, two poll cycles of the large scenario, the first admin. */
async function seed(dataDir: string): Promise<number> {
  const file = path.join(dataDir, "pve-standby.db");
  applyMigrations(file, path.join(ROOT, "prisma", "migrations"));
  const db = createDb(file);
  const cluster = await startLargeCluster(NODES, guestsForJobs(JOBS));
  const { client } = cluster.client();
  await createClusterRow(db, "large", cluster.sim.credentials.tokenId);
  const now = () => new Date(cluster.sim.now() * 1000);
  await runPollCycle("large", { db, client, now });
  cluster.sim.advance(15);
  await runPollCycle("large", { db, client, now });
  await createFirstAdmin(db, ADMIN);
  client.close();
  await cluster.close();
  await db.$disconnect();
  return cluster.jobs;
}

const bodyRows = (page: Page) => page.locator("table tbody tr");

async function main() {
  ensureBuild();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-bench-app-"));
  const jobs = await seed(dataDir);
  const url = `http://127.0.0.1:${PORT}`;
  // The poller stays off: the seeded cluster row holds no usable credential, and the page is measured alone.
  const app = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "start", "--hostname", "127.0.0.1", "--port", String(PORT)], {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, NODE_ENV: "production", DATA_DIR: dataDir, NEXTAUTH_URL: url, POLLER_ENABLED: "0", DEMO_MODE: "0", LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1" },
  });
  const browser = await chromium.launch({
    executablePath: fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    if (!(await waitForHealth(url, 180_000))) throw new Error(`the app did not answer on ${url}`);
    const page = await browser.newPage({ baseURL: url });
    // A loaded machine can take longer than Playwright's 30 s for the cold server's first pages.
    page.setDefaultNavigationTimeout(120_000);
    await page.goto("/login");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: /Account menu/ }).waitFor({ timeout: 60_000 });

    const tableShown: number[] = [];
    for (let i = -1; i < RUNS; i++) {
      const t = performance.now();
      await page.goto("/", { waitUntil: "commit" });
      await bodyRows(page).nth(9).waitFor({ timeout: 60_000 });
      if (i >= 0) tableShown.push(performance.now() - t);
    }

    const search = page.getByRole("searchbox", { name: "Search jobs" });
    const jobsSection = page.locator('section[aria-labelledby="jobs-heading"]');
    const filtered: number[] = [];
    const answered: number[] = [];
    for (let i = -1; i < RUNS; i++) {
      const q = QUERIES[i + 1]!;
      await search.fill(q.slice(0, -1));
      await page.waitForURL((u) => u.searchParams.get("q") === q.slice(0, -1), { timeout: 30_000 });
      await jobsSection.and(page.locator('[aria-busy="false"]')).waitFor({ timeout: 30_000 });
      await bodyRows(page).first().waitFor();
      const t = performance.now();
      await search.press(q.at(-1)!);
      // Every row shows the new text: the page pre-filtered in the browser, or the server's answer.
      await page.waitForFunction(
        (text) => {
          const rows = [...document.querySelectorAll("table tbody tr")];
          return rows.length > 0 && rows.every((r) => r.textContent?.includes(text));
        },
        q,
        { timeout: 30_000, polling: "raf" },
      );
      const shown = performance.now() - t;
      // The server's answer for the new search is on screen (counts and pages included).
      await page.waitForFunction(
        (text) => {
          const section = document.querySelector('section[aria-labelledby="jobs-heading"]');
          const rows = [...document.querySelectorAll("table tbody tr")];
          return new URL(location.href).searchParams.get("q") === text && section?.getAttribute("aria-busy") === "false" && rows.length > 0 && rows.every((r) => r.textContent?.includes(text));
        },
        q,
        { timeout: 30_000, polling: "raf" },
      );
      if (i >= 0) {
        filtered.push(shown);
        answered.push(performance.now() - t);
      }
    }
    const appRss = app.pid === undefined ? null : processTreeRss(app.pid);
    const label = `${jobs} jobs`;
    const figures: Figure[] = [
      { name: `overview: navigation until the table shows, ${label}`, value: median(tableShown), unit: "ms", how: `median of ${RUNS}, signed in, warm server`, target: 1000 },
      { name: `overview: last typed key until the table is filtered, ${label}`, value: median(filtered), unit: "ms", how: `median of ${RUNS}`, target: 150, note: "the page on screen narrowed in the browser by the server's search rule (overview-search.ts)" },
      { name: `overview: last typed key until the server's answer shows, ${label}`, value: median(answered), unit: "ms", how: `median of ${RUNS}`, note: "every match, counts and pages; includes the search box's 75 ms pause before it asks (use-overview-filters.ts)" },
      ...(appRss === null
        ? []
        : [{ name: `app (Next server, poller off) RSS after these pages, ${label}`, value: appRss / 1024 / 1024, unit: "MiB", how: "VmRSS of the server process and its children", note: "the poller's own share is the memory part's" }]),
    ];
    report("browser", figures, { tableShownMs: tableShown, filteredMs: filtered, answeredMs: answered, jobs });
  } finally {
    await browser.close();
    app.kill("SIGTERM");
    await new Promise((r) => app.once("exit", r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runMain(main);
