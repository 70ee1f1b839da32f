import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import { getClusterResources } from "../lib/proxmox/cluster";
import { startSimulatorFixture, type SimulatorFixture } from "../lib/testing/simulator-fixture";
import { ADMIN, createUserViaApi, signIn, signInAs } from "./fixtures/accounts";
import { addSimulatedClusterViaApi, removeClusterNamed } from "./fixtures/clusters";
import { guestSyncing } from "./fixtures/live-simulator";

// Planned switch-overs and an evacuation against the demo simulator, signed in as operators the
// admin creates. The simulator's clock stands still unless a test moves it, so a migration task
// stays "running" exactly as long as a test needs to look at it (refresh, a second operator).
test.describe.configure({ mode: "serial", timeout: 240_000 });

let fx: SimulatorFixture;
let clusterId: string;
const run = Date.now().toString(36);
const TEMP = "failover-temp-pass-1";
const OWN = "failover-own-pass-1";
const olivia = { email: `olivia.ops.${run}@example.com`, password: OWN };
const sam = { email: `sam.ops.${run}@example.com`, password: OWN };
const vera = { email: `vera.viewer.${run}@example.com`, password: OWN };

async function account(browser: Browser, admin: Page, who: { email: string }, role: string) {
  await createUserViaApi(admin, { email: who.email, name: who.email.split(".")[0] as string, role, password: TEMP });
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, who.email, TEMP);
  await expect(page).toHaveURL(/\/account\/password/);
  const change = await page.request.post("/api/account/password", { data: { currentPassword: TEMP, newPassword: OWN } });
  expect(change.status()).toBe(200);
  await context.close();
}

async function control(path: string, body: unknown) {
  const response = await fx.sim.handle("pve1", {
    method: "PUT", url: path, body: JSON.stringify(body),
    headers: { authorization: `Bearer ${fx.sim.controlToken}`, "content-type": "application/json" },
  });
  expect(response.status).toBe(200);
}

/** Moves the simulator clock a few seconds per poll until the operation ended. */
async function driveToEnd(page: Page, operationId: string, seconds = 5): Promise<string> {
  let state = "running";
  await expect
    .poll(async () => {
      fx.sim.advance(seconds);
      state = ((await (await page.request.get(`/api/failover/operations/${operationId}`)).json()) as { state: string }).state;
      return state;
    }, { timeout: 90_000, intervals: [400] })
    .not.toMatch(/running|paused/);
  return state;
}

async function openGuest(page: Page, vmid: number) {
  await page.goto(`/clusters/${clusterId}/guests/${vmid}`);
  await expect(page.getByRole("heading", { level: 1, name: new RegExp(`\\(${vmid}\\)`) })).toBeVisible();
}

async function switchOver(page: Page, vmid: number, options: { acceptWarnings?: boolean } = {}): Promise<string> {
  await openGuest(page, vmid);
  await page.getByRole("button", { name: "Switch over…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText("Target:", { exact: true })).toBeVisible({ timeout: 20_000 });
  if (options.acceptWarnings) await dialog.getByLabel(/I have read the/).check();
  await dialog.getByRole("button", { name: /^Switch over to / }).click();
  await page.waitForURL(/\/failover\/operations\/[^/]+$/);
  return page.url().split("/").at(-1) as string;
}

async function screenshots(page: Page, info: TestInfo, name: string) {
  for (const theme of ["light", "dark"] as const) {
    await page.evaluate((t) => localStorage.setItem("theme", t), theme);
    for (const [width, label] of [[1280, "desktop"], [390, "phone"]] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.reload();
      await expect(page.locator("html")).toHaveClass(new RegExp(theme));
      await page.screenshot({ path: info.outputPath(`${name}-${label}-${theme}.png`), fullPage: true });
    }
  }
  await page.evaluate(() => localStorage.setItem("theme", "light"));
  await page.setViewportSize({ width: 1280, height: 900 });
}

test.beforeAll(async ({ browser }) => {
  fx = await startSimulatorFixture({ scenario: "demo", seed: 5, startTime: Math.floor(Date.now() / 1000) - 2 * 3600, speed: 0 });
  for (let i = 0; i < 120; i++) fx.sim.advance(60);
  const admin = await browser.newPage();
  await signInAs(admin, ADMIN);
  clusterId = await addSimulatedClusterViaApi(admin, "e2e-failover", fx);
  await account(browser, admin, olivia, "operator");
  await account(browser, admin, sam, "operator");
  await account(browser, admin, vera, "viewer");
  await admin.close();
});

test.afterEach(async () => {
  // Whatever a test did, every guest runs on exactly one node, as Proxmox lists them.
  const client = fx.client();
  const guests = (await getClusterResources(client, { type: "vm" })).data;
  client.close();
  const nodesPerGuest = new Map<number, string[]>();
  for (const g of guests) nodesPerGuest.set(g.vmid as number, [...(nodesPerGuest.get(g.vmid as number) ?? []), g.node as string]);
  for (const [vmid, nodes] of nodesPerGuest) expect(nodes, `guest ${vmid}`).toHaveLength(1);
  expect(nodesPerGuest.size).toBe(fx.sim.model.guests.size);
  for (const g of fx.sim.model.guests.values()) expect(nodesPerGuest.get(g.vmid)).toEqual([g.node]);
});

test.afterAll(async ({ browser }) => {
  await removeClusterNamed(browser, "e2e-failover");
  await fx?.close();
});

test("an operator's switch-over whose migration task fails on a full target is reported as failed, with Proxmox's error", async ({ page }) => {
  await signInAs(page, olivia);
  await control("/control/storage/pve2/local-zfs", { fill: 1 });
  await openGuest(page, 101);
  await page.getByRole("button", { name: "Switch over…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.locator('[data-check="warning"]').filter({ hasText: /pve2's local-zfs is full/ })).toBeVisible({ timeout: 20_000 });
  await expect(dialog.getByRole("button", { name: "Switch over to pve2" })).toBeDisabled();
  await dialog.getByLabel(/I have read the/).check();
  await dialog.getByRole("button", { name: "Switch over to pve2" }).click();
  await page.waitForURL(/\/failover\/operations\/[^/]+$/);
  const id = page.url().split("/").at(-1) as string;
  expect(await driveToEnd(page, id)).toBe("failed");
  await expect(page.getByTestId("operation-summary")).toContainText(/out of space/);
  await expect(page.getByText("Failed", { exact: true }).first()).toBeVisible();
  await expect(page.getByText(/Succeeded/)).toHaveCount(0);
  expect(fx.sim.model.guest(101)?.node).toBe("pve1");
  await control("/control/storage/pve2/local-zfs", { fill: 0 });
});

test("an operator switches a VM over live; a refresh mid-operation resumes; a second operator is locked out", async ({ page, browser }, info) => {
  await signInAs(page, olivia);
  const id = await switchOver(page, 101);
  // The clock stands still: the migration task is running. Wait until the page follows it.
  fx.sim.advance(2);
  await expect(page.getByText("Following").first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("task-log").first()).toContainText("starting migration of VM 101");
  await page.reload();
  await expect(page.getByText("Following").first()).toBeVisible();
  await expect(page.getByTestId("task-log").first()).toContainText("starting migration of VM 101");
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();

  const other = await (await browser.newContext()).newPage();
  await signInAs(other, sam);
  await other.goto(`/failover/operations/${id}`);
  await expect(other.getByTestId("operation-holder")).toContainText(olivia.email);
  await expect(other.getByTestId("operation-holder")).toContainText(/since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  await expect(other.getByText(`only ${olivia.email} can pause or abandon it`)).toBeVisible();
  await expect(other.getByRole("button", { name: "Pause" })).toHaveCount(0);
  const refused = await other.request.post(`/api/failover/operations/${id}/abandon`, { data: {} });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error).toMatch(new RegExp(`${olivia.email.replace(/\./g, "\\.")} holds this operation since`));
  const second = await other.request.post("/api/failover/operations", { data: { kind: "switchover", clusterId, vmid: 101, target: "pve2", acceptWarnings: true } });
  expect(second.status()).toBe(409);
  expect((await second.json()).error).toMatch(/held by .*olivia/);
  await other.context().close();

  expect(await driveToEnd(page, id)).toBe("succeeded");
  await expect(page.getByText("Succeeded").first()).toBeVisible();
  await expect(page.getByTestId("failover-step").filter({ hasText: "runs on pve2 and nowhere else" })).toHaveAttribute("data-state", "done");
  await expect(page.getByTestId("reversed-job")).toContainText("Job 101-0: pve2 → pve1");
  expect(fx.sim.model.guest(101)?.node).toBe("pve2");
  expect(fx.sim.model.jobs.get("101-0")).toMatchObject({ source: "pve2", target: "pve1" });
  expect(fx.sim.model.allTasks().filter((t) => t.type === "qmigrate" && t.id === "101" && t.exitstatus === "OK")).toHaveLength(1);

  // Replicate now (between two runs of the guest's jobs: Proxmox refuses it while one syncs; this
  // spec's clock moves only when it is moved), then the first sync back shows on the page.
  await expect.poll(() => {
    if (guestSyncing(fx, 101)) fx.sim.advance(5);
    return guestSyncing(fx, 101);
  }, { timeout: 30_000 }).toBe(false);
  await page.getByRole("button", { name: "Replicate now" }).click();
  await expect(page.getByText(/Proxmox runs job 101-0 at its next scheduler tick/)).toBeVisible();
  await expect
    .poll(async () => {
      fx.sim.advance(30);
      return page.getByTestId("reversed-job").textContent();
    }, { timeout: 60_000, intervals: [1000] })
    .toContain("Synced back since the move");
  await screenshots(page, info, "operation");
  await page.getByRole("link", { name: "Report" }).click();
  await expect(page.getByTestId("failover-report")).toBeVisible();
  await expect(page.getByTestId("timeline-row").filter({ hasText: /Sent to Proxmox.*UPID:pve1:.*qmigrate:101/ })).toHaveCount(1);
  await expect(page.getByTestId("data-loss")).toContainText("None (0 seconds)");
  await screenshots(page, info, "report");
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name: /Switch over VM 101/ })).toBeVisible();
  await page.screenshot({ path: info.outputPath("report-print.png"), fullPage: true });
  await page.pdf({ path: info.outputPath("report-a4.pdf"), format: "A4" });
  await page.emulateMedia({ media: "screen" });

  await page.goto("/audit?action=failover.task");
  await page.getByRole("link", { name: "failover report" }).first().click();
  await expect(page).toHaveURL(new RegExp(`/failover/operations/${id}/report`));
});

test("an operator switches a running container over in restart mode, with the downtime stated first", async ({ page }) => {
  await signInAs(page, olivia);
  await openGuest(page, 102);
  await page.getByRole("button", { name: "Switch over…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText(/restart mode/)).toBeVisible({ timeout: 20_000 });
  await expect(dialog.getByText(/Downtime:.*The container is stopped during the move/)).toBeVisible();
  await dialog.getByRole("button", { name: "Switch over to pve3" }).click();
  await page.waitForURL(/\/failover\/operations\/[^/]+$/);
  const id = page.url().split("/").at(-1) as string;
  expect(await driveToEnd(page, id)).toBe("succeeded");
  await expect(page.getByTestId("reversed-job")).toContainText("Job 102-0: pve3 → pve1");
  expect(fx.sim.model.guest(102)).toMatchObject({ node: "pve3", status: "running" });
  expect(fx.sim.model.allTasks().filter((t) => t.type === "vzmigrate" && t.id === "102")).toHaveLength(1);
});

test("a viewer sees the operations but no action anywhere", async ({ page }) => {
  await signInAs(page, vera);
  await page.goto("/failover");
  await expect(page.getByTestId("operations-list")).toContainText("Switch over VM 101 (web-01) from pve1 to pve2");
  await expect(page.getByRole("button", { name: /Evacuate/ })).toHaveCount(0);
  await expect(page.getByText("Nothing to fail over yet")).toHaveCount(0);
  await page.getByRole("link", { name: /Switch over VM 101/ }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: /Switch over VM 101/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /Pause|Abandon/ })).toHaveCount(0);
  await openGuest(page, 103);
  await expect(page.getByRole("button", { name: "Switch over…" })).toHaveCount(0);
  const refused = await page.request.post("/api/failover/operations", { data: { kind: "switchover", clusterId, vmid: 103, target: "pve2" } });
  expect(refused.status()).toBe(403);
});

test("an operator evacuates a node: replicated guests move in startup order, the one without a replica is listed and left alone", async ({ page }, info) => {
  await signInAs(page, olivia);
  await page.goto("/failover");
  await page.getByRole("button", { name: "Evacuate pve1…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("evacuation-left-alone")).toContainText(/110 \(legacy-erp\): No replica/, { timeout: 20_000 });
  await expect(dialog.getByTestId("evacuation-guest")).toHaveCount(2); // 100 (HA) and 103; 101 and 102 left earlier
  await page.screenshot({ path: info.outputPath("evacuate-dialog.png"), fullPage: true });
  if (await dialog.getByLabel(/I have read the warnings/).count()) await dialog.getByLabel(/I have read the warnings/).check();
  await dialog.getByRole("button", { name: "Evacuate pve1" }).click();
  await page.waitForURL(/\/failover\/operations\/[^/]+$/);
  const id = page.url().split("/").at(-1) as string;
  await expect(page.getByTestId("left-alone")).toContainText("110");
  expect(await driveToEnd(page, id, 5)).toBe("succeeded");
  expect(fx.sim.model.guest(100)?.node).toBe("pve2");
  expect(fx.sim.model.guest(103)?.node).toBe("pve2");
  expect(fx.sim.model.guest(110)?.node).toBe("pve1");
  await expect(page.getByTestId("operation-summary")).toContainText("2 of 2 guest(s) moved. 1 left alone");
});

test("an operator switches the HA-managed VM 100 over from its guest page: HA moves it and the operation follows it until HA reports it started there", async ({ page }) => {
  await signInAs(page, olivia);
  // The strict rule db-on-replicas keeps vm:100 on pve1/pve2, its job's two ends: switch it to the other one.
  const source = fx.sim.model.guest(100)?.node as string;
  const target = source === "pve1" ? "pve2" : "pve1";
  expect(fx.sim.model.jobs.get("100-0")).toMatchObject({ source, target });
  const migrationsBefore = fx.sim.model.allTasks().filter((t) => t.type === "qmigrate" && t.id === "100").length;

  await openGuest(page, 100);
  await page.getByRole("button", { name: "Switch over…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText(/through HA \(ha-manager migrate\), followed until HA reports it started/)).toBeVisible({ timeout: 20_000 });
  await expect(dialog.locator('[data-check="pass"]').filter({ hasText: `HA-managed (vm:100): the move goes through HA and is followed until HA reports it started on ${target}.` })).toBeVisible();
  if (await dialog.getByLabel(/I have read the/).count()) await dialog.getByLabel(/I have read the/).check();
  await dialog.getByRole("button", { name: `Switch over to ${target}` }).click();
  await page.waitForURL(/\/failover\/operations\/[^/]+$/);
  const id = page.url().split("/").at(-1) as string;

  // Nothing has moved yet: the request sits with HA until its next round (the clock stands still),
  // and the step follows what HA reports.
  await expect(page.getByTestId("failover-step").filter({ hasText: `HA: vm:100 (${source}, ` })).toHaveAttribute("data-state", "verifying", { timeout: 20_000 });
  expect(fx.sim.model.guest(100)?.node).toBe(source);

  expect(await driveToEnd(page, id)).toBe("succeeded");
  await expect(page.getByTestId("failover-step").filter({ hasText: `HA reports vm:100 started on ${target}` })).toHaveAttribute("data-state", "done");
  await expect(page.getByTestId("failover-step").filter({ hasText: `runs on ${target} and nowhere else` })).toHaveAttribute("data-state", "done");
  await expect(page.getByTestId("reversed-job")).toContainText(`Job 100-0: ${target} → ${source}`);
  expect(fx.sim.model.guest(100)).toMatchObject({ node: target, status: "running" });
  expect(fx.sim.model.jobs.get("100-0")).toMatchObject({ source: target, target: source });
  // HA's LRM ran the one migration task; pve-standby sent none of its own.
  const migrations = fx.sim.model.allTasks().filter((t) => t.type === "qmigrate" && t.id === "100");
  expect(migrations).toHaveLength(migrationsBefore + 1);
  expect(migrations.at(-1)).toMatchObject({ node: source, exitstatus: "OK" });
  await page.getByRole("link", { name: "Report" }).click();
  await expect(page.getByTestId("timeline-row").filter({ hasText: `HA accepted the request to migrate vm:100 to ${target}` })).toHaveCount(1);
});
