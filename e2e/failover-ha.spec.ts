import { expect, test } from "@playwright/test";
import type { SimulatorFixture } from "../lib/testing/simulator-fixture";
import { ADMIN, createUserWithOwnPassword, signInAs } from "./fixtures/accounts";
import { addSimulatedClusterViaApi, removeClusterNamed } from "./fixtures/clusters";
import { putHaRule, startLiveDemoSimulator } from "./fixtures/live-simulator";
import { bringNodeBack, expectEachGuestOnOneNode, killNodeAndWaitForOutage, simulatorControl, waitUntilClusterWatched, type SimulatorControl } from "./fixtures/outage";

// HA recovery followed on the Failover page: the demo simulator (VM 100 "db-primary" HA-managed
// on pve1, replicated to pve2) added as a cluster through the app's API and polled by the app.
// pve1 is killed and the simulator's clock advanced through its control API, so HA's two
// minutes pass in a few seconds.
test.describe.configure({ mode: "serial" });

let fx: SimulatorFixture;
let control: SimulatorControl;
let clusterId = "";
const stamp = Date.now();
const OPERATOR = { email: `olga-${stamp}@example.com`, name: "Olga Operator", password: "olgas-own-pass-1" };
const VIEWER = { email: `vera-${stamp}@example.com`, name: "Vera Viewer", password: "veras-own-pass-1" };

test.beforeAll(async ({ browser }) => {
  fx = await startLiveDemoSimulator(11);
  // Through pve2, which this spec never kills.
  control = await simulatorControl(fx, "pve2");
  // The demo keeps vm:100 on its replicas with a strict node-affinity rule. Made non-strict (through
  // Proxmox's API), HA still prefers pve1/pve2 but may recover it to pve3, which holds no replica:
  // the protection gap readiness must report.
  await putHaRule(fx, "pve2", "type=node-affinity&strict=0");

  const page = await browser.newPage();
  await signInAs(page, ADMIN);
  clusterId = await addSimulatedClusterViaApi(page, "e2e-ha", fx, { failbackAutoHold: false });
  await createUserWithOwnPassword(browser, page, OPERATOR, "operator");
  await createUserWithOwnPassword(browser, page, VIEWER, "viewer");
  await page.close();
});

test.afterAll(async ({ browser }) => {
  if (fx && control) {
    // Power pve1 back on and let it boot; then every guest must run on exactly one node.
    await bringNodeBack(fx, control, "pve1");
    expectEachGuestOnOneNode(fx);
  }
  await control?.dispose();
  await removeClusterNamed(browser, "e2e-ha");
  await fx?.close();
});

test("a viewer sees readiness, and that nothing is down, but no actions", async ({ page }) => {
  await signInAs(page, VIEWER);
  await page.goto("/failover");
  await expect(page.getByTestId("nothing-down")).toContainText("Nothing is down.");
  const summary = page.getByTestId("readiness-summary");
  await expect(summary.getByText(/e2e-ha/)).toBeVisible({ timeout: 30_000 });
  // VM 100's rule is not strict: should pve2 be down too, HA could recover it to pve3, which holds no replica.
  const vm100 = summary.getByTestId("readiness-100");
  await expect(vm100).toContainText("Ready with warnings", { timeout: 30_000 });
  await vm100.locator("summary").click();
  await expect(vm100).toContainText(/If pve2 is down too, HA would fall back to pve3, which holds no replica/);
  await expect(page.getByRole("button", { name: /switch over|evacuate|recover|migrate/i })).toHaveCount(0);

  await page.getByRole("link", { name: "db-primary" }).first().click();
  const panel = page.getByTestId("readiness-panel");
  await expect(panel.getByTestId("readiness-verdict")).toHaveText("Ready with warnings");
  await expect(panel).toContainText("Recovery to: pve2, then pve3");
  await expect(page.getByRole("button", { name: /switch over/i })).toHaveCount(0);
});

test("an operator follows an HA guest from its killed node to started elsewhere, with the data-loss window", async ({ page }) => {
  await signInAs(page, OPERATOR);
  await waitUntilClusterWatched(page, "e2e-ha");
  await expect(page.getByTestId("nothing-down")).toBeVisible();

  const node = await killNodeAndWaitForOutage(page, control, "pve1");
  const guest = node.getByTestId("outage-guest-100");
  await expect(guest).toContainText("HA recovery under way");
  await expect(guest.getByTestId("ha-timeline").locator('[data-step="lost"]')).toHaveAttribute("data-done", "true");
  await expect(guest.getByTestId("ha-timeline").locator('[data-step="started"]')).toContainText("waiting");

  // pve1 held the CRM master: a new master only once its lock expired (~122 s), fence and recovery
  // in one round a minute later (~182 s), the LRM's start within a round (pve-ha-manager test-basic5).
  await control.advance(50);
  await control.advance(90);
  await control.advance(70);
  await expect(guest).toContainText("Started on pve2", { timeout: 30_000 });
  const timeline = guest.getByTestId("ha-timeline");
  for (const step of ["fenced", "recovered", "started"]) await expect(timeline.locator(`[data-step="${step}"]`)).toHaveAttribute("data-done", "true");
  await expect(timeline.locator('[data-step="recovered"]')).toContainText("Recovered to pve2");
  const loss = guest.getByTestId("data-loss");
  await expect(loss).toContainText(/Data-loss window: [\dhms ]+ \(\d+ seconds( at least)?\): the copy on pve2 is from/);
  await expect(guest.getByTestId("move-refused")).toContainText("HA-managed");

  // pvesr on pve2 turns the job around within a minute: no copy back to pve1 while it is down.
  await control.advance(70);
  await expect(timeline.locator('[data-step="turned"]')).toHaveAttribute("data-done", "true", { timeout: 30_000 });
  await expect(guest).toContainText("no copy back to pve1 yet; pve1 is offline");

  // A non-HA guest of the dead node stays there, and reads as unknown, never as "running".
  await expect(node.getByTestId("outage-guest-101")).toContainText(/node pve1 offline, last seen running at/);
  await page.goto(`/clusters/${clusterId}`);
  const row101 = page.getByRole("row").filter({ hasText: "web-01" });
  await expect(row101.getByTestId("guest-state")).toContainText(/Unknown\s*node pve1 offline, last seen running at/);
  await expect(page.getByTestId("cluster-readiness")).toBeVisible();
  // The overview's job rows tell the guest's state the same way; a guest on a live node reads as it runs.
  await page.goto(`/?cluster=${clusterId}`);
  const job101 = page.getByRole("row").filter({ hasText: "job 101-0" });
  await expect(job101.getByTestId("guest-state")).toContainText(/Unknown\s*node pve1 offline, last seen running at/);
  await expect(page.getByRole("row").filter({ hasText: "job 100-0" }).getByTestId("guest-state")).toHaveText("running");
  await page.goto("/failover");
  await page.getByRole("link", { name: "db-primary" }).first().click();
  await expect(page.getByTestId("recovery-note")).toContainText("Recovered from pve1 to pve2");
  await expect(page.getByTestId("recovery-note")).toContainText(/data-loss window [\dhms ]+ \(\d+ seconds/);
});
