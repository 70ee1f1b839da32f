import { expect, test } from "@playwright/test";
import { startSimulatorFixture, type SimulatorFixture } from "../lib/testing/simulator-fixture";
import { notificationsOf } from "../lib/simulator/notifications";
import { ADMIN, createUserViaApi, signIn, signInAs } from "./fixtures/accounts";
import { addSimulatedClusterViaApi, removeClusterNamed } from "./fixtures/clusters";
import { guestSyncing } from "./fixtures/live-simulator";

// Alerts against the demo simulator, added through the app's API and polled by the app's poller.
// Two simulated hours are replayed first, so the file server's job (out of space on pve3) has failed.
test.describe.configure({ mode: "serial" });

let fx: SimulatorFixture;
let clusterId: string;
const OPERATOR = { email: `olga-${Date.now()}@example.com`, name: "Olga Operator", password: "olgas-own-pass-1" };

test.beforeAll(async ({ browser }) => {
  fx = await startSimulatorFixture({ scenario: "demo", seed: 11, startTime: Math.floor(Date.now() / 1000) - 2 * 3600, speed: 0 });
  for (let i = 0; i < 120; i++) fx.sim.advance(60);
  fx.sim.clock.set(Date.now());
  fx.sim.clock.setSpeed(1);

  const page = await browser.newPage();
  await signInAs(page, ADMIN);
  clusterId = await addSimulatedClusterViaApi(page, "e2e-alerts", fx);

  await createUserViaApi(page, { email: OPERATOR.email, name: OPERATOR.name, role: "operator", password: "olga-temp-pass-1" });
  await page.close();
  const operator = await browser.newPage();
  await signIn(operator, OPERATOR.email, "olga-temp-pass-1");
  await expect(operator).toHaveURL(/\/account\/password/);
  const change = await operator.request.post("/api/account/password", { data: { currentPassword: "olga-temp-pass-1", newPassword: OPERATOR.password } });
  expect(change.status(), await change.text()).toBe(200);
  await operator.close();
});

test.afterAll(async ({ browser }) => {
  await removeClusterNamed(browser, "e2e-alerts");
  await fx?.close();
});

test("an operator finds the failing job's alert on the Alerts page and acknowledges it", async ({ page }) => {
  await signInAs(page, OPERATOR);
  await page.goto("/alerts");
  const row = page.getByTestId("active-alert").filter({ hasText: "Replication job 105-0 (fileserver" }).filter({ hasText: "e2e-alerts" });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).toContainText("critical");
  await expect(row).toContainText(/failed \d+×/);
  await expect(row).toContainText("exit code 255");
  await expect(page.getByTestId("active-alert-count")).toBeVisible();

  await row.getByRole("button", { name: "Acknowledge" }).click();
  await expect(row).toContainText(`Acknowledged by ${OPERATOR.email}`);
  await expect(row.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);

  // The acknowledgement is in the audit log under the operator's name.
  await page.goto("/audit?action=alert.acknowledge");
  await expect(page.getByTestId("audit-row").filter({ hasText: OPERATOR.email }).first()).toBeVisible();
});

test("a viewer sees alerts but cannot acknowledge or silence them; the API refuses it too", async ({ page, browser }) => {
  const viewer = { email: `vic-${Date.now()}@example.com`, name: "Vic Viewer", password: "vics-own-pass-1" };
  const admin = await browser.newPage();
  await signInAs(admin, ADMIN);
  await createUserViaApi(admin, { ...viewer, role: "viewer", password: "vic-temp-pass-1" });
  await admin.close();
  const first = await browser.newPage();
  await signIn(first, viewer.email, "vic-temp-pass-1");
  await expect(first).toHaveURL(/\/account\/password/);
  expect((await first.request.post("/api/account/password", { data: { currentPassword: "vic-temp-pass-1", newPassword: viewer.password } })).status()).toBe(200);
  await first.close();

  await signInAs(page, viewer);
  await page.goto("/alerts");
  await expect(page.getByTestId("active-alert").first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Silence" })).toHaveCount(0);
  const refused = await page.request.post("/api/alerts/silences", { data: { rule: "job-failed", durationMinutes: 60, reason: "viewer tries" } });
  expect(refused.status()).toBe(403);
});

test("an admin registers push with the cluster; Proxmox's pushes reach the app, a forged one is refused and audited", async ({ page }) => {
  await signInAs(page, ADMIN);
  await page.goto("/settings/alerts");
  const target = page.getByTestId("push-target").filter({ hasText: "e2e-alerts" });
  // A click before hydration does nothing; registering again only replaces the target, so retry the click.
  await expect(async () => {
    await target.getByRole("button", { name: "Register with Proxmox" }).click();
    await expect(target.getByRole("status")).toContainText("Created webhook target pve-standby and matcher pve-standby-matcher", { timeout: 5_000 });
  }).toPass({ timeout: 45_000 });

  const forged = await page.request.post(`/api/proxmox-push/${clusterId}`, { headers: { "X-PVE-Standby-Secret": "not-the-secret" }, data: { title: "Replication Job: '101-0' failed", severity: "error", fields: { type: "replication" } } });
  expect(forged.status()).toBe(401);
  await page.goto("/audit?action=alert.push_refused");
  await expect(page.getByTestId("audit-row").filter({ hasText: clusterId }).first()).toBeVisible();

  // The link pve1 → pve3 breaks and the proxy's job runs now: its first failure is pushed (fail count 1).
  fx.sim.model.networkFaults.set("pve1->pve3", "ssh: connect to host pve3 port 22: Connection timed out");
  const sent = notificationsOf(fx.sim.model).sent.length;
  const jobs = (await (await page.request.get(`/api/replication?q=proxy`)).json()) as { jobs: { id: string; jobId: string; clusterName: string }[] };
  const job = jobs.jobs.find((j) => j.jobId === "102-0" && j.clusterName === "e2e-alerts");
  expect(job).toBeDefined();
  // Between two runs of the proxy's jobs: Proxmox refuses "run now" while one syncs.
  await expect.poll(() => guestSyncing(fx, 102), { timeout: 60_000 }).toBe(false);
  const run = await page.request.post(`/api/replication/${job!.id}/run`, { data: {} });
  expect(run.status(), await run.text()).toBe(200);
  // Run now sets last_try to 0: the next scheduler tick (within a simulated minute) runs it.
  await expect.poll(() => { fx.sim.advance(30); return notificationsOf(fx.sim.model).sent.length; }, { timeout: 60_000 }).toBeGreaterThan(sent);
  await notificationsOf(fx.sim.model).flush();
  const last = notificationsOf(fx.sim.model).sent.at(-1);
  expect(last?.status).toBe(202);
  await page.goto("/audit?action=alert.push_received");
  await expect(page.getByTestId("audit-row").filter({ hasText: "102-0" }).first()).toBeVisible();
  // The push triggered a poll, whose evaluation opened the alert.
  await page.goto("/alerts");
  await expect(page.getByTestId("active-alert").filter({ hasText: "Replication job 102-0 (proxy" }).filter({ hasText: "e2e-alerts" })).toBeVisible({ timeout: 15_000 });
});
