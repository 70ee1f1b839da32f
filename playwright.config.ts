import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// Debian's chromium by default (Playwright's own browser download cannot run on these
// machines); CHROMIUM_PATH points elsewhere, or set it empty to use Playwright's browser.
const chromiumPath = process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const PORT = Number(process.env.E2E_PORT ?? 3100);
const DEMO_PORT = Number(process.env.DEMO_E2E_PORT ?? PORT + 1);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  // One server with one database: specs run in order, each creating what it needs.
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? "playwright-report/results.json" }], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath || undefined,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "first-run", testMatch: /first-run\.spec\.ts/, use: { ...devices["Desktop Chrome"] } },
    { name: "app", testIgnore: /(first-run|demo)\.spec\.ts/, dependencies: ["first-run"], use: { ...devices["Desktop Chrome"] } },
    // `npm run demo` itself, as a new user meets it: its own server, simulator and data folder.
    { name: "demo", testMatch: /demo\.spec\.ts/, use: { ...devices["Desktop Chrome"], baseURL: `http://127.0.0.1:${DEMO_PORT}` } },
  ],
  webServer: [
    {
      command: `npx tsx e2e/fixtures/server.ts`,
      url: `http://127.0.0.1:${PORT}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      // SIGTERM lets the server script remove its throwaway data folder on the way out.
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
      stdout: "pipe",
      env: { E2E_PORT: String(PORT) },
    },
    {
      // The demo replays a simulated day before it listens: allow for the warm-up.
      command: `npx tsx --conditions=react-server e2e/fixtures/demo-server.ts`,
      url: `http://127.0.0.1:${DEMO_PORT}/api/health`,
      timeout: 300_000,
      reuseExistingServer: false,
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
      stdout: "pipe",
      env: { DEMO_E2E_PORT: String(DEMO_PORT), DEMO_E2E_SIMULATOR_PORT: process.env.DEMO_E2E_SIMULATOR_PORT ?? "18006" },
    },
  ],
});
