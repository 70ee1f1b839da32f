import { expect, test } from "@playwright/test";
import { startSimulatorFixture, type SimulatorFixture } from "../lib/testing/simulator-fixture";
import { computeRetryAt } from "../lib/replication/status";
import { ADMIN, createUserViaApi, signIn, signInAs } from "./fixtures/accounts";
import { addSimulatedClusterViaApi, removeClusterNamed } from "./fixtures/clusters";

// The replication pages against the demo simulator, added as a cluster through the app's own
// API and polled by the app's own poller. Two simulated hours are replayed before the app sees
// the cluster, so the first full syncs are done and jobs have a lag, a failure and a history.
test.describe.configure({ mode: "serial" });

let fx: SimulatorFixture;
// A real operator for the tests that change jobs (unique per run: a retried group makes a new one).
const OPERATOR = { email: `otto-${Date.now()}@example.com`, name: "Otto Operator", password: "ottos-own-pass-1" };

/** Whether a sync of the guest runs now: Proxmox refuses "run now" meanwhile (the sync holds the guest's migration lock). */
function guestSyncing(vmid: number): boolean {
  const node = fx.sim.model.guest(vmid)?.node;
  return node !== undefined && fx.sim.core.pvesr.jobStatus(node).some((s) => s.job.guest === vmid && s.state.pid !== undefined);
}

test.beforeAll(async ({ browser }) => {
  fx = await startSimulatorFixture({ scenario: "demo", seed: 7, startTime: Math.floor(Date.now() / 1000) - 2 * 3600, speed: 0 });
  for (let i = 0; i < 120; i++) fx.sim.advance(60);
  fx.sim.clock.set(Date.now());
  fx.sim.clock.setSpeed(1);

  const page = await browser.newPage();
  await signInAs(page, ADMIN);
  await addSimulatedClusterViaApi(page, "e2e-lab", fx);

  await createUserViaApi(page, { email: OPERATOR.email, name: OPERATOR.name, role: "operator", password: "otto-temp-pass-1" });
  await page.close();
  // A new account must choose its own password before anything else.
  const operator = await browser.newPage();
  await signIn(operator, OPERATOR.email, "otto-temp-pass-1");
  await expect(operator).toHaveURL(/\/account\/password/);
  const change = await operator.request.post("/api/account/password", { data: { currentPassword: "otto-temp-pass-1", newPassword: OPERATOR.password } });
  expect(change.status(), await change.text()).toBe(200);
  await operator.close();
});

test.afterAll(async ({ browser }) => {
  await removeClusterNamed(browser, "e2e-lab");
  await fx?.close();
});

test("the overview lists every job with its lag, filters by status in the URL, and searches", async ({ page }, info) => {
  await signInAs(page, ADMIN);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const rows = page.getByRole("table").getByRole("row");
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(5);
  await expect(page.getByText("Protected guests")).toBeVisible();

  await page.getByRole("button", { name: /^Failing \d+$/ }).click();
  await expect(page).toHaveURL(/status=failing/);
  await expect(rows.filter({ hasText: "OK" })).toHaveCount(0);
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page).not.toHaveURL(/status=/);

  // The Jobs card counts with the chips' words.
  await expect(page.getByTestId("jobs-by-status")).toContainText(/Failing \d+/);
  for (const theme of ["light", "dark"] as const) {
    await page.evaluate((t) => localStorage.setItem("theme", t), theme);
    await page.reload();
    await expect(page.locator("html")).toHaveClass(new RegExp(theme));
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    await page.screenshot({ path: info.outputPath(`overview-${theme}.png`), fullPage: true });
  }

  await page.getByRole("searchbox", { name: "Search jobs" }).fill("db-primary");
  await expect(page).toHaveURL(/q=db-primary/);
  await expect(rows).toHaveCount(2); // header + one job
});

test("a job page draws lag against the RPO and keeps the run history with logs", async ({ page }, info) => {
  await signInAs(page, ADMIN);
  await page.goto("/?q=db-primary");
  await page.getByRole("link", { name: "db-primary", exact: true }).click();
  await expect(page.getByRole("heading", { name: /db-primary \(100\) → / })).toBeVisible();
  await expect(page.getByText("Lag against RPO")).toBeVisible();
  await page.getByRole("tab", { name: "1h" }).click();
  // The app has polled this job since the suite began: the last hour has lag samples.
  await expect(page.getByText(/Within RPO \d/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("Run history")).toBeVisible();
  await expect.poll(() => page.getByRole("button", { name: /Log of the run/ }).count(), { timeout: 30_000 }).toBeGreaterThan(0);
  await page.getByRole("button", { name: /Log of the run/ }).first().click();
  await expect(page.getByRole("dialog").getByText(/replication job/)).toBeVisible();
  await page.keyboard.press("Escape");

  // The page is longer than a screen; the sidebar's background still runs its whole height.
  const sidebar = await page.locator("aside").first().boundingBox();
  const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(pageHeight).toBeGreaterThan(page.viewportSize()!.height);
  expect(Math.round(sidebar?.height ?? 0)).toBe(pageHeight);
  for (const theme of ["light", "dark"] as const) {
    await page.evaluate((t) => localStorage.setItem("theme", t), theme);
    await page.reload();
    await expect(page.locator("html")).toHaveClass(new RegExp(theme));
    await expect(page.getByText("Run history")).toBeVisible();
    // The reload keeps the scroll position; a full-page capture draws sticky parts where they stand.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: info.outputPath(`job-${theme}.png`), fullPage: true });
  }
});

test("an operator adds a job with a previewed schedule, runs it and deletes it keeping the replica", async ({ page }) => {
  await signInAs(page, OPERATOR);
  await page.goto("/?q=db-primary");
  await page.getByRole("link", { name: "db-primary", exact: true }).click();
  await page.getByRole("link", { name: /db-primary \(100\) on e2e-lab/ }).click();
  await page.getByRole("button", { name: "Add replication job" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("combobox", { name: "Target node" }).click();
  await page.getByRole("option", { name: "pve3" }).click();
  await dialog.getByLabel("Schedule", { exact: true }).fill("*/61");
  await expect(dialog.getByText(/out of range/)).toBeVisible();
  await dialog.getByLabel("Schedule", { exact: true }).fill("*/10");
  await expect(dialog.getByText(/Next runs \(UTC\)/)).toBeVisible();
  await dialog.getByRole("button", { name: "Create job" }).click();

  await expect(page.getByRole("heading", { name: /db-primary \(100\) → pve3/ })).toBeVisible();
  // 100-0 syncs a few seconds every 5 minutes on the running clock: click between two of its runs.
  await expect.poll(() => guestSyncing(100), { timeout: 60_000 }).toBe(false);
  await page.getByRole("button", { name: "Run now" }).click();
  const scheduled = page.getByText(/Proxmox will run 100-\d at its next scheduler tick/);
  await expect(scheduled).toBeVisible();
  const jobId = /100-\d/.exec(await scheduled.innerText())![0];

  // The simulated cluster's clock stands still while the removal is pending, so the page must show
  // it pending. pvesr removes the job when its node's worker next takes it up: at the next tick, or
  // after the run the node is busy with (the new job's full sync, another guest's long send), so the
  // test lets simulated minutes pass until the job is gone rather than a fixed two.
  fx.sim.clock.setSpeed(0);
  try {
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByLabel(/keep the replica \(keep=1\)/).check();
    await page.getByRole("dialog").getByRole("button", { name: "Delete job" }).click();
    await expect(page.getByRole("button", { name: /^Removal scheduled:/ })).toBeVisible({ timeout: 30_000 });
    for (let i = 0; i < 120 && fx.sim.model.jobs.has(jobId); i++) fx.sim.advance(60);
    expect(fx.sim.model.jobs.has(jobId), `${jobId} still configured after two simulated hours`).toBe(false);
    await expect(page.getByText(/This job no longer exists in Proxmox/)).toBeVisible({ timeout: 30_000 });
  } finally {
    fx.sim.clock.setSpeed(1);
  }
});

test("Proxmox's own refusal reaches the operator", async ({ page }) => {
  await signInAs(page, OPERATOR);
  const overview = await (await page.request.get("/api/replication?q=db-primary")).json();
  const job = overview.jobs[0];
  const response = await page.request.post("/api/replication", {
    data: { clusterId: job.clusterId, vmid: 100, target: job.target, schedule: "*/15", rate: null, comment: "", enabled: true, rpoSeconds: null },
  });
  expect(response.status()).toBe(409);
  expect((await response.json()).error).toMatch(/^Proxmox refused: replication job for guest '100' to target 'local\/\w+' already exists/);
});

test("an operator protects a guest on another node, watches it sync, edits and disables the job", async ({ page }) => {
  await signInAs(page, OPERATOR);
  await page.goto("/?q=web-01");
  await page.getByRole("link", { name: "web-01", exact: true }).first().click();
  await page.getByRole("link", { name: /web-01 \(101\) on e2e-lab/ }).click();
  await page.getByRole("button", { name: "Add replication job" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("combobox", { name: "Target node" }).click();
  await page.getByRole("option", { name: "pve3" }).click();
  await dialog.getByLabel("Schedule", { exact: true }).fill("*/5");
  await dialog.getByRole("button", { name: "Create job" }).click();
  await expect(page.getByRole("heading", { name: /web-01 \(101\) → pve3/ })).toBeVisible();

  // The first (full) sync happens on the simulated cluster; the app's own poller brings it back.
  await page.getByRole("button", { name: "Run now" }).click();
  // Simulated minutes pass until pvesr has finished the first sync (the node may first finish
  // another guest's long send), not a fixed number that is enough only most of the time.
  const synced = () => {
    const job = [...fx.sim.model.jobs.values()].find((j) => j.guest === 101 && j.target === "pve3");
    const node = fx.sim.model.guests.get(101)?.node;
    const state = job && node ? fx.sim.model.jobState(node, job) : undefined;
    return Boolean(state && state.last_sync > 0 && state.pid === undefined);
  };
  for (let i = 0; i < 180 && !synced(); i++) fx.sim.advance(60);
  expect(synced(), "web-01's first sync to pve3 done within three simulated hours").toBe(true);
  await expect(page.getByRole("button", { name: /^OK:/ })).toBeVisible({ timeout: 30_000 });
  const runRows = page.getByRole("row").filter({ has: page.getByRole("button", { name: /Log of the run/ }) });
  await expect.poll(async () => (await runRows.allInnerTexts()).join(" | "), { timeout: 30_000 }).toMatch(/OK/);

  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByRole("dialog").getByLabel("Schedule", { exact: true }).fill("*/30");
  await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("every 30 minutes").first()).toBeVisible({ timeout: 30_000 });

  await page.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByRole("button", { name: "Enable" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("Disabled").first()).toBeVisible();

  await page.goto(`/audit?action=replication.&actor=${encodeURIComponent(OPERATOR.email)}`);
  for (const action of ["replication.create", "replication.run", "replication.update"]) {
    await expect(page.getByTestId("audit-row").filter({ hasText: action }).first()).toBeVisible();
  }
});

test("a failing job says why and when Proxmox retries", async ({ page }) => {
  // The demo's fileserver job targets a nearly full storage: every retry sends for minutes, then
  // fails. Stop the simulated clock between two retries, so the page has one thing to show.
  fx.sim.clock.setSpeed(0);
  try {
    const job = fx.sim.model.jobs.get("105-0");
    const node = fx.sim.model.guests.get(105)?.node;
    expect(job && node).toBeTruthy();
    const between = () => {
      const state = fx.sim.model.jobState(node!, job!);
      return Boolean(state && state.pid === undefined && state.fail_count > 0 && computeRetryAt(state.last_try, state.fail_count) > fx.sim.now() + 60);
    };
    for (let i = 0; i < 120 && !between(); i++) fx.sim.advance(60);
    expect(between()).toBe(true);

    await signInAs(page, ADMIN);
    await page.goto("/?q=fileserver");
    await page.getByRole("link", { name: "fileserver", exact: true }).first().click();
    await expect(page.getByText(/failed attempt\(s\) in a row/)).toBeVisible();
    await expect(page.getByTestId("job-error")).toContainText(/failed/);
    await expect(page.getByTestId("job-status-message")).toContainText(/Failed \d+×: .+; retry in \d/, { timeout: 30_000 });
    await expect(page.getByTestId("live-log")).toHaveCount(0);
  } finally {
    fx.sim.clock.setSpeed(1);
  }
});
