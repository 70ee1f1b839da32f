// npm run screenshots: the README's Failover screenshots, taken with Playwright (Debian's
// chromium) against a running `npm run demo`, as its operator would click through:
//   1. a guest's "Switch over…" dialog with its preflight checklist;
//   2. the operation page of that switch-over while it follows the migration task's log, and its
//      report (timeline, checks, tasks) once it ended;
//   3. the Failover page while pve1 is down and HA has recovered vm:100 (pve1 is powered off
//      through the simulator's control API; HA takes its real three minutes) — pve1 is powered
//      on again at the end;
//   4. the "Recover…" dialog of CT 102 (proxy, not HA-managed, on pve1) with its checklist, read
//      live once pve1 has been offline for HA's three minutes (past RECOVERY_MIN_OFFLINE_SECONDS);
//      closed without confirming.
// Not part of `npm test`. Writes PNGs (1280×800, palette-quantised) to docs/screenshots/.
//
// Environment: DEMO_URL (http://127.0.0.1:3000), SIMULATOR_URL (https://127.0.0.1:8007, a node
// that stays up: pve2 is the demo's --port+1), SIM_CONTROL_TOKEN (printed by the demo, required),
// DEMO_PASSWORD (demo), CHROMIUM_PATH (/usr/bin/chromium), SCREENSHOT_VMID (101),
// SCREENSHOT_RECOVER_VMID (102, a non-HA guest of pve1).
import fs from "node:fs";
import path from "node:path";
import { chromium, request, type Page } from "@playwright/test";

const APP = process.env.DEMO_URL ?? "http://127.0.0.1:3000";
const SIMULATOR = process.env.SIMULATOR_URL ?? "https://127.0.0.1:8007";
const TOKEN = process.env.SIM_CONTROL_TOKEN;
const PASSWORD = process.env.DEMO_PASSWORD ?? "demo";
const VMID = Number(process.env.SCREENSHOT_VMID ?? 101);
const RECOVER_VMID = Number(process.env.SCREENSHOT_RECOVER_VMID ?? 102);
const OUT = path.join(__dirname, "..", "docs", "screenshots");
const VIEWPORT = { width: 1280, height: 800 };

async function main() {
  if (!TOKEN) throw new Error("SIM_CONTROL_TOKEN is required (the demo prints it as 'Incidents … Bearer <token>').");
  fs.mkdirSync(OUT, { recursive: true });
  const control = await request.newContext({ ignoreHTTPSErrors: true, baseURL: SIMULATOR, extraHTTPHeaders: { Authorization: `Bearer ${TOKEN}` } });
  const call = async (method: "PUT" | "POST", url: string, data: unknown) => {
    const response = await control.fetch(url, { method, data });
    if (!response.ok()) throw new Error(`${method} ${url}: ${response.status()} ${await response.text()}`);
  };
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined) });
  const page = await browser.newPage({ viewport: VIEWPORT, baseURL: APP });
  try {
    await page.goto("/login");
    await page.getByLabel("Email").fill("operator@demo.local");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: /Account menu/ }).waitFor();
    const clusters = (await (await page.request.get("/api/clusters")).json()) as { id: string; name: string }[];
    const cluster = clusters.find((c) => c.name === "demo") ?? clusters[0];
    if (!cluster) throw new Error("The app has no cluster: is this the demo?");

    // 1. The switch-over dialog with its preflight.
    await page.goto(`/clusters/${cluster.id}/guests/${VMID}`);
    await page.getByRole("button", { name: "Switch over…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.locator("[data-check]").first().waitFor({ timeout: 30_000 });
    await save(page, "switch-over-dialog");

    // 2. The operation, followed until it ends.
    const accept = dialog.getByLabel(/I have read the/);
    if (await accept.count()) await accept.check();
    await dialog.getByRole("button", { name: /^Switch over to / }).click();
    await page.waitForURL(/\/failover\/operations\/[^/]+$/);
    // While the migration runs: its step, following the task's live log.
    const log = page.getByTestId("task-log").first();
    await log.waitFor({ timeout: 60_000 });
    await page.getByTestId("failover-step").filter({ has: log }).evaluate((el) => {
      el.scrollIntoView({ block: "start" });
      window.scrollBy(0, -80); // clear of the sticky header
    });
    await save(page, "operation");
    await page.getByText(/^(Succeeded|Failed|Abandoned)$/).first().waitFor({ timeout: 180_000 });
    // The report: the timeline of who did what, each check and task.
    await page.getByRole("link", { name: "Report" }).click();
    await page.getByTestId("failover-report").waitFor();
    await save(page, "operation-report");

    // 3. pve1 dies; HA recovers vm:100 on pve2 in real time (test-basic5's timing: about three
    //    minutes, since pve1 holds the CRM master), so the times on the page are the cluster's own.
    await call("PUT", "/control/nodes/pve1", { online: 0 });
    await page.goto("/failover");
    const down = page.getByTestId("down-node-pve1").filter({ hasText: "Offline" });
    await down.waitFor({ timeout: 60_000 });
    await down.getByTestId("outage-guest-100").getByText("Started on pve2", { exact: true }).waitFor({ timeout: 360_000 });
    await down.getByText(/Replication turned around ·/).waitFor({ timeout: 120_000 }).catch(() => undefined);
    await save(page, "failover-node-down");

    // 4. The recovery dialog of a guest HA does not manage; cancelled, nothing is moved.
    await down.getByTestId(`outage-guest-${RECOVER_VMID}`).getByRole("button", { name: "Recover…" }).click();
    const recover = page.getByRole("dialog");
    await recover.locator("[data-check]").first().waitFor({ timeout: 60_000 });
    // The dialog fades in: wait until its opening animations (finite ones; spinners loop) end.
    await page.evaluate(() => Promise.all(document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished)));
    await save(page, "recover-dialog");
    await recover.getByRole("button", { name: "Cancel" }).click();
    await recover.waitFor({ state: "hidden" });
  } finally {
    await call("PUT", "/control/nodes/pve1", { online: 1 }).catch((error: unknown) => console.error(`pve1 could not be powered on again: ${String(error)}`));
    await browser.close();
    await control.dispose();
  }
}

/** The viewport as a PNG, palette-quantised with sharp when it is installed (it comes with Next). */
async function save(page: Page, name: string) {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  const file = path.join(OUT, `${name}.png`);
  const png = await page.screenshot();
  let bytes: Buffer = png;
  try {
    const sharp = (await import("sharp")).default;
    bytes = await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9 }).toBuffer();
  } catch (error) {
    console.warn(`Saving ${name}.png unoptimised (${error instanceof Error ? error.message : String(error)}).`);
  }
  fs.writeFileSync(file, bytes);
  console.log(`${path.relative(process.cwd(), file)}: ${Math.round(bytes.length / 1024)} KiB`);
}

main().catch((error) => {
  console.error(`Screenshots failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
