import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import type { SimulatorFixture } from "../lib/testing/simulator-fixture";
import { ADMIN, createUserWithOwnPassword, signInAs } from "./fixtures/accounts";
import { addSimulatedClusterViaApi, removeClusterNamed } from "./fixtures/clusters";
import { startLiveDemoSimulator } from "./fixtures/live-simulator";
import {
  advancePastMinOffline, bringNodeBack, expectEachGuestOnOneNode, killNodeAndWaitForOutage, rootShell, simulatorControl, waitUntilClusterWatched,
  type SimulatorControl,
} from "./fixtures/outage";

// The guards of a recovery from a dead node (issue 13), on the Failover page against the demo
// simulator: no recovery without quorum, a dead node that comes back stops the recovery before the
// start, and "Recover everything from pve1" with HA, non-HA and unreplicated guests. Each test gets
// its own simulator and cluster (mostly with the simulated nodes' root login as the recovery credential),
// and ends with every guest that ran running again on exactly one node and no job left disabled.
test.describe.configure({ mode: "serial" });

const CLUSTER = "e2e-recover-guards";
const stamp = Date.now();
const OPERATOR = { email: `gus-${stamp}@example.com`, name: "Gus Operator", password: "guss-own-pass-1" };

let fx: SimulatorFixture | undefined;
let control: SimulatorControl | undefined;
let clusterId = "";
let runningBefore: number[] = [];

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signInAs(page, ADMIN);
  await createUserWithOwnPassword(browser, page, OPERATOR, "operator");
  await page.close();
});

/** The demo cluster with two hours of replication history, added to the app with the recovery credential. */
async function startCluster(
  browser: Browser,
  seed: number,
  options: { credential?: boolean; configure?: (sim: SimulatorFixture) => void } = {},
): Promise<{ fx: SimulatorFixture; control: SimulatorControl }> {
  const sim = await startLiveDemoSimulator(seed);
  fx = sim;
  // Through pve3, which no test here kills.
  control = await simulatorControl(sim, "pve3");
  options.configure?.(sim);
  runningBefore = [...sim.sim.model.guests.values()].filter((g) => g.status === "running").map((g) => g.vmid);
  const page = await browser.newPage();
  await signInAs(page, ADMIN);
  clusterId = await addSimulatedClusterViaApi(page, CLUSTER, sim, { failbackAutoHold: false });
  if (options.credential ?? true) await putCredential(page, sim);
  await page.close();
  return { fx: sim, control };
}

/** The admin stores the simulated nodes' root login, each node's sshd at its own port. */
async function putCredential(adminPage: Page, sim: SimulatorFixture) {
  const nodeAddresses = Object.fromEntries(sim.servers.endpoints.map((e) => [e.node, `127.0.0.1:${e.sshPort}`]));
  const response = await adminPage.request.put(`/api/clusters/${clusterId}/recovery-credential`, {
    data: { authKind: "password", password: sim.sim.credentials.rootPassword, nodeAddresses },
  });
  expect(response.status(), await response.text()).toBe(200);
}

test.afterEach(async ({ browser }) => {
  try {
    if (fx && control) {
      for (const node of fx.sim.nodeNames) await bringNodeBack(fx, control, node);
      // Every guest that ran before the test runs again (onboot starts, HA's recovery), on one node.
      const sim = fx;
      const notRunning = () => runningBefore.filter((vmid) => sim.sim.model.guest(vmid)?.status !== "running");
      for (let i = 0; i < 20 && notRunning().length > 0; i++) await control.advance(30);
      expect(notRunning()).toEqual([]);
      expectEachGuestOnOneNode(fx);
      // No job left disabled by pve-standby: only the demo's own paused job (104-0) is.
      expect([...fx.sim.model.jobs.values()].filter((j) => j.disable).map((j) => j.id)).toEqual(["104-0"]);
    }
  } finally {
    await control?.dispose();
    await removeClusterNamed(browser, CLUSTER);
    await fx?.close();
    fx = undefined;
    control = undefined;
  }
});

/**
 * Opens a dialog until `ready` shows in it: the checklist reads the poller's latest record, so an
 * early open may still see the previous poll. Closes a dialog left open by the previous attempt.
 */
async function openUntil(page: Page, trigger: Locator, ready: Locator) {
  const dialog = page.getByRole("dialog");
  await expect(async () => {
    if (await dialog.isVisible()) await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await trigger.click();
    await expect(ready).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 45_000 });
}


test("an operator cannot recover without quorum: the checklist explains pvecm expected and its price, and passes once quorum is back", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const { fx, control } = await startCluster(browser, 21);
  await signInAs(page, OPERATOR);
  await waitUntilClusterWatched(page, CLUSTER);
  // pve1 and pve2 die: pve3 alone holds one vote of three. (pve3 runs no HA service, so it does not self-fence.)
  const pve1 = await killNodeAndWaitForOutage(page, control, "pve1");
  await killNodeAndWaitForOutage(page, control, "pve2");
  await expect(pve1.getByText("No quorum", { exact: true })).toBeVisible({ timeout: 30_000 });
  await advancePastMinOffline(control);

  // Everything else passes (the node has been offline long enough); quorum fails.
  const dialog = page.getByRole("dialog");
  await openUntil(page, pve1.getByTestId("outage-guest-102").getByRole("button", { name: "Recover…" }), dialog.locator('[data-check="pass"]').filter({ hasText: "Dead node" }));
  await expect(dialog.locator('[data-check="fail"]').filter({ hasText: "Quorum" })).toContainText("The cluster has no quorum without pve1");
  const wayOut = dialog.getByTestId("quorum-way-out");
  await expect(wayOut).toContainText("No quorum: nothing can be recovered until it is back.");
  await expect(wayOut).toContainText("Only if that is impossible, run `pvecm expected 1` on pve3");
  await expect(wayOut).toContainText("While expected votes are lowered make no other cluster change");
  await expect(wayOut).toContainText("be certain pve1 and pve2 are off: if any of them is alive on the other side of a split, both sides can believe they have quorum");
  await expect(wayOut.locator("pre")).toHaveText("pvecm expected 1");
  await expect(dialog.getByTestId("fencing-confirm")).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: /^Recover on/ })).toBeDisabled();
  // Nor can the route be talked into it.
  const refused = await page.request.post("/api/failover/operations", { data: { kind: "recovery", clusterId, vmid: 102, node: "pve1", target: "pve3", confirmNode: "pve1" } });
  expect(refused.status()).toBe(409);
  expect(await refused.text()).toContain("no quorum without pve1");
  expect(fx.sim.model.guest(102)?.node).toBe("pve1");

  // The operator runs the shown command on pve3, as the page says, and the check passes.
  const command = await wayOut.locator("pre").innerText();
  const ran = await rootShell(fx, "pve3", command);
  expect(ran.code, ran.stderr).toBe(0);
  await openUntil(page, pve1.getByTestId("outage-guest-102").getByRole("button", { name: "Recover…" }), dialog.locator('[data-check="pass"]').filter({ hasText: "Quorum" }));
  await expect(dialog.locator('[data-check="pass"]').filter({ hasText: "Quorum" })).toContainText("The cluster is quorate without pve1");
  await expect(dialog.getByTestId("quorum-way-out")).toHaveCount(0);
  await expect(dialog.getByTestId("fencing-confirm")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
});

test("an operator's recovery stops when the dead node comes back after the fencing confirmation, and never starts the guest", async ({ page, browser }) => {
  test.setTimeout(180_000);
  // No recovery credential: the move waits for the operator's commands and the start for the
  // operator's go-ahead, after the fencing confirmation: the window the node comes back in.
  const { fx, control } = await startCluster(browser, 22, { credential: false });
  await signInAs(page, OPERATOR);
  await waitUntilClusterWatched(page, CLUSTER);
  const since = fx.sim.now();
  const pve2 = await killNodeAndWaitForOutage(page, control, "pve2");
  await advancePastMinOffline(control);

  const dialog = page.getByRole("dialog");
  await openUntil(page, pve2.getByTestId("outage-guest-107").getByRole("button", { name: "Recover…" }), dialog.getByTestId("fencing-confirm"));
  await dialog.getByLabel(/Type pve2 to confirm/).fill("pve2");
  await dialog.getByRole("button", { name: "Recover on pve1" }).click();
  await expect(page).toHaveURL(/\/failover\/operations\//);
  const step = (title: string) => page.getByTestId("failover-step").filter({ hasText: title });
  const move = step("Move VM 107 (app-02)'s configuration");
  await expect(step("pve2 confirmed powered off or fenced")).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  await expect(step("Confirm pve2 is still offline before moving")).toHaveAttribute("data-state", "done");
  await expect(move).toContainText("No recovery credential for this cluster: run the commands shown on pve1", { timeout: 30_000 });

  // The operator pauses, then runs the shown commands on pve1: nothing goes on by itself while paused.
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByText("Paused", { exact: true })).toBeVisible({ timeout: 30_000 });
  const commands = (await move.getByTestId("recovery-commands").locator("pre").innerText()).split("\n").filter(Boolean);
  expect(commands.some((c) => c.startsWith("mv /etc/pve/nodes/pve2/qemu-server/107.conf "))).toBe(true);
  for (const command of commands) {
    const ran = await rootShell(fx, "pve1", command);
    expect(ran.code, `${command}: ${ran.stderr}`).toBe(0);
  }
  expect(fx.sim.model.guest(107)).toMatchObject({ node: "pve1", status: "stopped" });

  // The "dead" node returns while the operation is paused; then the operator resumes.
  await bringNodeBack(fx, control, "pve2");
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(move).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  // Without a credential the next gate is the start offer: with pve2 back, it is never offered.
  const offer = step("Operator's go-ahead for VM 107 (app-02) on pve1");
  await expect(offer).toHaveAttribute("data-state", "failed", { timeout: 30_000 });
  await expect(offer).toContainText("pve2 is back online: stopped, and VM 107 was NOT started on pve1.");
  await expect(offer).toContainText("On pve2 run `qm status 107`");
  await expect(offer).toContainText("Start it on one node only.");
  await expect(page.getByRole("button", { name: /^Start VM 107/ })).toHaveCount(0);
  await expect(step("Confirm pve2 is still offline before starting")).toHaveAttribute("data-state", "skipped");
  await expect(step("Start VM 107 (app-02) on pve1")).toHaveAttribute("data-state", "skipped");
  await expect(page.getByTestId("operation-summary")).toContainText("Operator's go-ahead for VM 107 (app-02) on pve1 failed");

  // The simulator's own record: VM 107 was never started anywhere since pve2 died, and is listed once.
  expect(fx.sim.model.allTasks().filter((t) => t.type === "qmstart" && t.id === "107" && t.starttime >= since)).toEqual([]);
  expect(fx.sim.model.guest(107)).toMatchObject({ node: "pve1", status: "stopped" });
  expectEachGuestOnOneNode(fx);

  // What the page says to do: pve2 does not run it (its configuration left), so start it on pve1 only.
  const onPve2 = await rootShell(fx, "pve2", "qm status 107");
  expect(onPve2.code).not.toBe(0);
  const started = await rootShell(fx, "pve1", "qm start 107");
  expect(started.code, started.stderr).toBe(0);
  await expect.poll(async () => (await rootShell(fx, "pve1", "qm status 107")).stdout.trim(), { timeout: 30_000 }).toBe("status: running");
});

test("an operator recovers everything from a dead node: HA's guest followed, replicated guests recovered in startup order, the unreplicated one listed", async ({ page, browser }) => {
  test.setTimeout(240_000);
  // The admin gave two of pve1's guests a start order (`startup: order=N` in their configuration)
  // long before the failure: the poller keeps it with the disk list when it first reads the guest.
  const { fx, control } = await startCluster(browser, 23, {
    configure: (sim) => {
      sim.sim.model.guest(103)!.startup = "order=1";
      sim.sim.model.guest(102)!.startup = "order=2";
    },
  });
  await signInAs(page, OPERATOR);
  await waitUntilClusterWatched(page, CLUSTER);
  const since = fx.sim.now();
  const pve1 = await killNodeAndWaitForOutage(page, control, "pve1");
  await advancePastMinOffline(control);

  const dialog = page.getByRole("dialog");
  await openUntil(page, pve1.getByRole("button", { name: "Recover everything from pve1…" }), dialog.getByTestId("fencing-confirm"));
  // Startup order (as the poller kept it: the dead node's configuration cannot be read through the API), then the rest by VMID.
  const recover = dialog.getByTestId("node-recovery-guest");
  await expect(recover).toHaveCount(3);
  await expect(recover.nth(0)).toContainText("1. 103 (mail) → pve2 · startup order 1");
  await expect(recover.nth(1)).toContainText("2. 102 (proxy) → pve3 · startup order 2");
  await expect(recover.nth(2)).toContainText("3. 101 (web-01) → pve2");
  for (let i = 0; i < 3; i++) await expect(recover.nth(i).getByTestId("recovery-data-loss")).toContainText(/Data-loss window: .*the copy on pve\d is from \d+ s before the failure/);
  await expect(dialog).toContainText("Recovered by HA, followed (1)");
  await expect(dialog).toContainText("100 (db-primary): HA-managed (vm:100): HA recovers it; followed, never moved by hand.");
  const none = dialog.getByTestId("node-recovery-not-recoverable");
  await expect(none).toContainText("110 (legacy-erp)");
  await expect(none).toContainText("No replica anywhere: it has no replication job.");
  // One confirmation covers the node.
  await expect(dialog.getByTestId("fencing-confirm")).toHaveCount(1);
  await dialog.getByLabel("Guests at a time").fill("1");
  await dialog.getByLabel(/Type pve1 to confirm/).fill("pve1");
  await dialog.getByRole("button", { name: "Recover from pve1" }).click();
  await expect(page).toHaveURL(/\/failover\/operations\//);
  await expect(page.getByText("Recover everything from pve1").first()).toBeVisible();

  // HA needs its rounds (pve1 held the CRM master) and pvesr turns the jobs around on its minute
  // ticks: move the clock on until the operation has ended.
  const summary = page.getByTestId("operation-summary");
  await expect(async () => {
    await control.advance(30);
    await expect(summary).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 150_000 });
  await expect(page.getByText("Succeeded", { exact: true })).toBeVisible();
  await expect(summary).toHaveText("4 of 4 guest(s) moved. 1 left alone (no replica).");
  await expect(page.getByTestId("left-alone")).toContainText("110 (legacy-erp): No replica anywhere");
  for (const [vmid, name, target] of [[101, "web-01", "pve2"], [102, "proxy", "pve3"], [103, "mail", "pve2"]] as const) {
    const label = `${vmid === 102 ? "CT" : "VM"} ${vmid} (${name})`;
    await expect(page.getByTestId("failover-step").filter({ hasText: `Start ${label} on ${target}` })).toHaveAttribute("data-state", "done");
    expect(fx.sim.model.guest(vmid)).toMatchObject({ node: target, status: "running" });
  }
  await expect(page.getByTestId("failover-step").filter({ hasText: "Follow HA's recovery of VM 100 (db-primary)" })).toHaveAttribute("data-state", "done");
  expect(fx.sim.model.guest(100)).toMatchObject({ node: "pve2", status: "running" });
  expect(fx.sim.model.guest(110)).toMatchObject({ node: "pve1" });

  // One at a time, in startup order: each guest started once, after the one before it had started.
  const startOf = (vmid: number, type: string) => fx.sim.model.allTasks().filter((t) => t.type === type && t.id === String(vmid) && t.starttime >= since);
  const starts = ([[103, "qmstart"], [102, "vzstart"], [101, "qmstart"]] as const).map(([vmid, type]) => startOf(vmid, type));
  for (const s of starts) expect(s).toHaveLength(1);
  const [s103, s102, s101] = starts.map((s) => s[0]!);
  expect(s102!.starttime).toBeGreaterThanOrEqual(s103!.endtime);
  expect(s101!.starttime).toBeGreaterThanOrEqual(s102!.endtime);

  // The report: each guest's outcome and data-loss window, and one fencing confirmation.
  await page.getByRole("link", { name: "Report" }).click();
  const report = page.getByTestId("failover-report");
  await expect(report).toBeVisible();
  for (const vmid of [101, 102, 103]) {
    await expect(report.getByTestId("data-loss").getByRole("listitem").filter({ hasText: new RegExp(`^${vmid}:`) })).toContainText(/the copy on pve\d is from \d+ s before the failure.*\(\d+ s\)/);
  }
  await expect(report.getByTestId("data-loss")).toContainText("110: not recovered; its data is on pve1 only until it returns.");
  // The outcome table (its rows start with the guest; the timeline's with the time).
  const outcome = (guest: string) => report.getByRole("row").filter({ hasText: new RegExp(`^${guest.replace(/[()]/g, "\\$&")}`) });
  await expect(outcome("100 (db-primary)")).toContainText("HA recovered vm:100 to pve2 (started).");
  await expect(outcome("101 (web-01)")).toContainText("VM 101 runs on pve2, and nowhere else: pve1 is offline.");
  await expect(outcome("102 (proxy)")).toContainText("CT 102 runs on pve3, and nowhere else: pve1 is offline.");
  await expect(outcome("103 (mail)")).toContainText("VM 103 runs on pve2, and nowhere else: pve1 is offline.");
  await expect(outcome("110 (legacy-erp)")).toContainText("Stays on pve1: ");
  await expect(report.getByTestId("timeline-row").filter({ hasText: "confirmed that pve1 is powered off or fenced" })).toHaveCount(1);
});
