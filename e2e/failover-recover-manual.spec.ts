import { expect, test } from "@playwright/test";
import type { SimulatorFixture } from "../lib/testing/simulator-fixture";
import { ADMIN, createUserWithOwnPassword, signInAs } from "./fixtures/accounts";
import { addSimulatedClusterViaApi, removeClusterNamed } from "./fixtures/clusters";
import { startLiveDemoSimulator } from "./fixtures/live-simulator";
import { bringNodeBack, expectEachGuestOnOneNode, killNodeAndWaitForOutage, rootShell, simulatorControl, waitUntilClusterWatched, type SimulatorControl } from "./fixtures/outage";

// Recovery of a non-HA guest from a dead node WITHOUT a recovery credential: the demo simulator
// added as a cluster through the app's API (no credential stored), pve2 killed through the
// simulator's control API, and an operator recovers VM 107 (app-02, replicated to pve1). The page
// shows the exact commands with a copy button; the test pastes them into a root shell on pve1
// over SSH (the simulator's sshd, ssh2 like any client); the page sees the configuration arrive by
// itself and offers the start; the operator starts it. The simulated clock only moves through the
// control API, in bounded loops that wait for the app's own state, never a fixed amount.
test.describe.configure({ mode: "serial" });
test.use({ permissions: ["clipboard-read", "clipboard-write"] });

const CLUSTER = "e2e-recover-manual";
let fx: SimulatorFixture;
// Through pve1, which this spec never kills: a node's own listener closes when it goes down.
let control: SimulatorControl;
const stamp = Date.now();
const OPERATOR = { email: `omar-${stamp}@example.com`, name: "Omar Operator", password: "omars-own-pass-1" };

let killedAt = 0;
/** Starts of VM 107 since pve2 was killed (the simulator's task lists, every node). */
const startsOf107 = () => fx.sim.model.allTasks().filter((t) => t.type === "qmstart" && t.id === "107" && t.starttime >= killedAt);

test.beforeAll(async ({ browser }) => {
  fx = await startLiveDemoSimulator(14);
  control = await simulatorControl(fx, "pve1");

  const page = await browser.newPage();
  await signInAs(page, ADMIN);
  await addSimulatedClusterViaApi(page, CLUSTER, fx, { failbackAutoHold: false });
  await createUserWithOwnPassword(browser, page, OPERATOR, "operator");
  await page.close();
});

test.afterAll(async ({ browser }) => {
  if (fx) {
    await bringNodeBack(fx, control, "pve2");
    expectEachGuestOnOneNode(fx);
  }
  await control?.dispose();
  await removeClusterNamed(browser, CLUSTER);
  await fx?.close();
});

test("an operator recovers a non-HA guest without a recovery credential: runs the shown commands, and the page offers the start", async ({ page }) => {
  await signInAs(page, OPERATOR);
  await waitUntilClusterWatched(page, CLUSTER);
  // Kill the node and wait for the app's poller to record the outage.
  killedAt = fx.sim.now();
  const node = await killNodeAndWaitForOutage(page, control, "pve2");
  const guest = node.getByTestId("outage-guest-107");
  await expect(guest).toContainText("not HA-managed");

  // The minimum offline time passes on the simulated clock: advance it until the checklist lets
  // the operator confirm (the poller must also have seen the node offline across several polls).
  const dialog = page.getByRole("dialog");
  const confirm = dialog.getByTestId("fencing-confirm");
  for (let i = 0; i < 30 && !(await confirm.isVisible()); i++) {
    await control.advance(30);
    if (await dialog.isVisible()) await dialog.getByRole("button", { name: "Cancel" }).click();
    await guest.getByRole("button", { name: "Recover…" }).click();
    await expect(dialog.getByRole("button", { name: /^Recover on/ })).toBeVisible();
    await expect(dialog.locator("[data-check]").first()).toBeVisible({ timeout: 10_000 });
  }
  await expect(confirm).toBeVisible();
  await expect(dialog).toContainText("From pve2 to pve1, then started there");
  await expect(dialog.getByTestId("recovery-data-loss")).toContainText(/Data-loss window: .*the copy on pve1 is from \d+ s before the failure/);
  await expect(dialog.getByTestId("recovery-commands")).toContainText("mv /etc/pve/nodes/pve2/qemu-server/107.conf /etc/pve/nodes/pve1/qemu-server/107.conf");
  await dialog.getByLabel(/Type pve2 to confirm/).fill("pve2");
  await dialog.getByRole("button", { name: "Recover on pve1" }).click();

  await expect(page).toHaveURL(/\/failover\/operations\//);
  const move = page.getByTestId("failover-step").filter({ hasText: "Move VM 107 (app-02)'s configuration" });
  const commands = move.getByTestId("recovery-commands");
  await expect(commands).toContainText("mv /etc/pve/nodes/pve2/qemu-server/107.conf /etc/pve/nodes/pve1/qemu-server/107.conf", { timeout: 60_000 });
  await expect(move).toContainText("No recovery credential for this cluster");

  // The copy button puts exactly the shown commands on the clipboard.
  await commands.getByRole("button", { name: "Copy" }).click();
  await expect(commands.getByRole("button", { name: "Copied" })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await commands.locator("pre").innerText());
  expect(fx.sim.model.guest(107)?.node).toBe("pve2");

  // Pasted into a root shell on pve1, line by line, reading pvecm's answer before the mv as told.
  const lines = copied.split("\n").filter((l) => l.trim() !== "");
  expect(lines[0]).toMatch(/^# on pve1, as root/);
  for (const line of lines) {
    const out = await rootShell(fx, "pve1", line);
    expect(out.code, `${line}: ${out.stderr}`).toBe(0);
    if (line.startsWith("pvecm status")) expect(out.stdout).toMatch(/Quorate:\s+Yes/);
  }
  expect(fx.sim.model.guest(107)).toMatchObject({ node: "pve1", status: "stopped" });

  // The page sees the configuration on pve1 by itself and offers the start, with the data-loss window next to it.
  const offer = page.getByTestId("start-offer-107");
  await expect(offer).toContainText("The configuration of VM 107 is on pve1. Start it now?", { timeout: 60_000 });
  await expect(offer.getByTestId("start-offer-data-loss")).toContainText(/Data-loss window: .*the copy on pve1 is from \d+ s before the failure/);
  await expect(offer.getByRole("button", { name: "Leave it stopped" })).toBeVisible();
  await offer.screenshot({ path: test.info().outputPath("start-offer.png") });
  // Offered, not started: nothing starts until the operator says so.
  expect(startsOf107()).toHaveLength(0);
  expect(fx.sim.model.guest(107)?.status).toBe("stopped");

  await offer.getByRole("button", { name: "Start VM 107 on pve1" }).click();
  await expect(page.getByTestId("failover-step").filter({ hasText: "Start VM 107 (app-02) on pve1" })).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  await expect(offer).toHaveCount(0);
  await expect(page.getByTestId("failover-step").filter({ hasText: "Operator's go-ahead for VM 107" })).toContainText(`${OPERATOR.email} chose to start VM 107 on pve1`);

  // Exactly one node runs it, started once, on pve1.
  expect(fx.sim.model.guest(107)).toMatchObject({ node: "pve1", status: "running" });
  expect([...fx.sim.model.guests.values()].filter((g) => g.vmid === 107)).toHaveLength(1);
  expect(startsOf107().filter((t) => t.node === "pve1")).toHaveLength(1);
  expect(startsOf107()).toHaveLength(1);

  // The report's timeline carries the operator's answer.
  await page.getByRole("link", { name: "Report" }).click();
  await expect(page.getByText(/Answered the start offer/).first()).toBeVisible();
});
