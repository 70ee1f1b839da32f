import { expect, test } from "@playwright/test";
import type { SimulatorFixture } from "../lib/testing/simulator-fixture";
import { ADMIN, createUserWithOwnPassword, signInAs } from "./fixtures/accounts";
import { addSimulatedClusterViaApi, removeClusterNamed } from "./fixtures/clusters";
import { startLiveDemoSimulator } from "./fixtures/live-simulator";
import { advancePastMinOffline, bringNodeBack, expectEachGuestOnOneNode, killNodeAndWaitForOutage, simulatorControl, waitUntilClusterWatched, type SimulatorControl } from "./fixtures/outage";

// Recovery of a non-HA guest from a dead node on the Failover page: the demo simulator added as a
// cluster through the app's API, an admin stores the simulated nodes' root login as the recovery
// credential (each node's sshd on its own port), pve2 is killed through the simulator's control
// API, and an operator recovers VM 107 (app-02, replicated to pve1) by clicking. The simulator's
// clock is advanced through the control API so the two minutes offline pass in seconds.
test.describe.configure({ mode: "serial" });

const CLUSTER = "e2e-recover";
let fx: SimulatorFixture;
let control: SimulatorControl;
let clusterId = "";
const stamp = Date.now();
const OPERATOR = { email: `oscar-${stamp}@example.com`, name: "Oscar Operator", password: "oscars-own-pass-1" };

test.beforeAll(async ({ browser }) => {
  fx = await startLiveDemoSimulator(13);
  // Through pve1, which this spec never kills.
  control = await simulatorControl(fx, "pve1");

  const page = await browser.newPage();
  await signInAs(page, ADMIN);
  clusterId = await addSimulatedClusterViaApi(page, CLUSTER, fx, { failbackAutoHold: false });
  const credential = await page.request.put(`/api/clusters/${clusterId}/recovery-credential`, {
    data: {
      authKind: "password",
      password: fx.sim.credentials.rootPassword,
      nodeAddresses: Object.fromEntries(fx.servers.endpoints.map((e) => [e.node, `127.0.0.1:${e.sshPort}`])),
    },
  });
  expect(credential.status(), await credential.text()).toBe(200);
  await createUserWithOwnPassword(browser, page, OPERATOR, "operator");
  await page.close();
});

test.afterAll(async ({ browser }) => {
  if (fx && control) {
    await bringNodeBack(fx, control, "pve2");
    expectEachGuestOnOneNode(fx);
  }
  await control?.dispose();
  await removeClusterNamed(browser, CLUSTER);
  await fx?.close();
});

test("an operator recovers a non-HA guest from a killed node over SSH, after confirming the node is off", async ({ page }) => {
  await signInAs(page, OPERATOR);
  // An operator uses the credential but may neither read nor change it.
  expect((await page.request.get(`/api/clusters/${clusterId}/recovery-credential`)).status()).toBe(403);
  await waitUntilClusterWatched(page, CLUSTER);
  const node = await killNodeAndWaitForOutage(page, control, "pve2");
  const guest = node.getByTestId("outage-guest-107");
  await expect(guest).toContainText("not HA-managed");

  // Too soon: the checklist refuses until the node has been offline for two minutes.
  await guest.getByRole("button", { name: "Recover…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.locator('[data-check="fail"]').filter({ hasText: "Dead node" })).toContainText("seen offline for only");
  await expect(dialog.getByRole("button", { name: /^Recover on/ })).toBeDisabled();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await advancePastMinOffline(control);
  await expect(async () => {
    await guest.getByRole("button", { name: "Recover…" }).click();
    await expect(dialog.getByTestId("fencing-confirm")).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await expect(dialog).toContainText("From pve2 to pve1, then started there");
  await expect(dialog.getByTestId("recovery-data-loss")).toContainText(/Data-loss window: .*the copy on pve1 is from \d+ s before the failure/);
  await expect(dialog).toContainText("logs in to pve1 over SSH");
  const start = dialog.getByRole("button", { name: "Recover on pve1" });
  await expect(start).toBeDisabled();
  await dialog.getByLabel(/Type pve2 to confirm/).fill("pve2");
  await start.click();

  await expect(page).toHaveURL(/\/failover\/operations\//);
  await expect(page.getByText("Recover VM 107 (app-02) from pve2 on pve1").first()).toBeVisible();
  await expect(page.getByTestId("failover-step").filter({ hasText: "Start VM 107 (app-02) on pve1" })).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  await expect(page.getByTestId("failover-step").filter({ hasText: "Move VM 107 (app-02)'s configuration" })).toContainText("Proxmox lists VM 107 on pve1");
  // Proxmox on pve1 turns the job around within a minute; the old node is still down.
  await control.advance(70);
  await expect(page.getByTestId("failover-step").filter({ hasText: "Show job 107-0" })).toContainText("Parked while pve2 is down", { timeout: 60_000 });
  expect(fx.sim.model.guest(107)).toMatchObject({ node: "pve1", status: "running" });
  expect(fx.sim.model.allTasks().filter((t) => t.type === "qmstart" && t.id === "107" && t.node === "pve1")).toHaveLength(1);
});
