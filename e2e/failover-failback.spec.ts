import { expect, test, type Locator, type Page } from "@playwright/test";
import type { SimulatorFixture } from "../lib/testing/simulator-fixture";
import { ADMIN, createUserWithOwnPassword, signInAs } from "./fixtures/accounts";
import { addSimulatedClusterViaApi, removeClusterNamed } from "./fixtures/clusters";
import { putHaRule, startLiveDemoSimulator } from "./fixtures/live-simulator";
import { expectEachGuestOnOneNode, rootShell, simulatorControl, waitUntilClusterWatched, type SimulatorControl } from "./fixtures/outage";

// Failback on the Failover page, with the hold pve-standby places by itself: pve1 dies, HA
// recovers VM 100 (db-primary) to pve2 and Proxmox turns its job around to pve2 → pve1. Without
// any click, pve-standby disables that job and HA's failback (HA prefers pve1 here), and the page
// says the hold waits for a person. One test keeps pve1's writes (running the shown commands on
// pve1: no recovery credential is stored), the other discards them; in both the job never runs
// back before the choice, the replica ends in sync, and HA moves VM 100 home to pve1, so each test
// starts where the other left off. The simulator's clock is moved through its control API and
// every wait is on the simulator's own state (bounded loops), never on a fixed amount of time.
test.describe.configure({ mode: "serial" });

let fx: SimulatorFixture;
// Through pve2, which this spec never kills.
let control: SimulatorControl;
const stamp = Date.now();
const CLUSTER = "e2e-failback";
const OPERATOR = { email: `fiona-${stamp}@example.com`, name: "Fiona Operator", password: "fionas-own-pass-1" };

/** Moves the simulated clock `seconds` at a time until `done()` (at most `max` times); says what it waited for when it never came. */
async function advanceUntil(what: string, seconds: number, max: number, done: () => boolean) {
  for (let i = 0; i < max && !done(); i++) {
    await control.advance(seconds);
    // Lets the app's poller (every 2 s) and executor see each step, as a person's clock would.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(done(), `waited ${max} × ${seconds} simulated seconds for ${what}`).toBe(true);
}

const okRunsSince = (since: number) => fx.sim.model.performedRuns.filter((r) => r.jobId === "100-0" && r.start >= since && r.outcome === "ok");

test.beforeAll(async ({ browser }) => {
  // Four hours of history: VM 100's first full sync (232 GiB at 80 MB/s) has long completed.
  fx = await startLiveDemoSimulator(12, 4);
  control = await simulatorControl(fx, "pve2");
  // HA prefers pve1 for VM 100 (through Proxmox's API): once pve1 returns, HA's failback would
  // migrate it home within a round, replicating over pve1's disks first. The hold holds that too.
  await putHaRule(fx, "pve2", "type=node-affinity&nodes=pve1:2,pve2:1");

  const page = await browser.newPage();
  await signInAs(page, ADMIN);
  await addSimulatedClusterViaApi(page, CLUSTER, fx);
  await createUserWithOwnPassword(browser, page, OPERATOR, "operator");
  await page.close();
});

/** After each test: every guest runs on exactly one node, and no job is left disabled by pve-standby (only the demo's own paused 104-0 is). */
function expectCleanCluster() {
  expectEachGuestOnOneNode(fx);
  expect([...fx.sim.model.jobs.values()].filter((j) => j.disable).map((j) => j.id)).toEqual(["104-0"]);
}

test.afterEach(() => {
  if (fx) expectCleanCluster();
});

test.afterAll(async ({ browser }) => {
  if (fx && !fx.sim.model.node("pve1")?.online) {
    await control.call("PUT", "/control/nodes/pve1", { online: 1 });
    await control.advance(180);
  }
  await control?.dispose();
  await removeClusterNamed(browser, CLUSTER);
  await fx?.close();
});

/**
 * pve1 dies while VM 100 runs there; HA recovers it to pve2 and Proxmox turns job 100-0 around.
 * Returns the guest's failback panel once pve-standby has held the job by itself.
 */
async function losePve1AndSeeTheAutomaticHold(page: Page): Promise<{ panel: Locator; hold: Locator }> {
  expect(fx.sim.model.guest(100)?.node).toBe("pve1");
  await waitUntilClusterWatched(page, CLUSTER);
  await control.call("PUT", "/control/nodes/pve1", { online: 0 });
  const guest = page.getByTestId("down-node-pve1").first().getByTestId("outage-guest-100");
  await expect(guest).toBeVisible({ timeout: 30_000 });
  // pve1 may hold the CRM master: HA fences it and recovers VM 100 a few minutes later.
  await advanceUntil("HA to recover VM 100 to pve2 and turn job 100-0 around", 30, 40, () => {
    const job = fx.sim.model.jobs.get("100-0");
    return fx.sim.model.guest(100)?.node === "pve2" && fx.sim.model.guest(100)?.status === "running" && job?.source === "pve2" && job.target === "pve1";
  });
  await expect(guest).toContainText("Started on pve2", { timeout: 30_000 });

  // Nobody clicks: the hold appears by itself and disables the job while pve1 is still down.
  const panel = guest.getByTestId("failback-100");
  await expect(panel.getByTestId("failback-explain")).toContainText("The next run of job 100-0 from pve2 rolls them back", { timeout: 30_000 });
  const hold = panel.getByTestId("failback-hold-status");
  await expect(hold.getByTestId("failback-auto-held")).toContainText(/Held automatically at .+ by pve-standby: replication back to pve1 waits for your choice: keep or discard\./, { timeout: 30_000 });
  await expect(panel.getByTestId("failback-hold")).toHaveCount(0);
  await expect(hold).toContainText("HA failback held: done", { timeout: 30_000 });
  await expect(hold).toContainText("Job held: done", { timeout: 30_000 });
  await expect(panel.getByTestId("failback-next-run")).toContainText("Held: job 100-0 is disabled by pve-standby", { timeout: 30_000 });
  await expect(hold).toContainText("Choice: waiting for your choice", { timeout: 30_000 });
  await panel.screenshot({ path: test.info().outputPath("failback-held.png") });
  expect(fx.sim.model.jobs.get("100-0")).toMatchObject({ source: "pve2", target: "pve1", disable: 1 });
  expect(fx.sim.model.haResources.get("vm:100")?.failback).toBe(0);
  return { panel, hold };
}

/** pve1 returns; its parked job would run within pvesr's next minute and HA would pull VM 100 home: neither happens while the hold waits. */
async function bringPve1Back(): Promise<number> {
  const returnedAt = fx.sim.now();
  await control.call("PUT", "/control/nodes/pve1", { online: 1 });
  for (let i = 0; i < 6; i++) await control.advance(60);
  expect(okRunsSince(returnedAt)).toEqual([]);
  expect(fx.sim.model.performedRuns.filter((r) => r.jobId === "100-0" && r.start >= returnedAt)).toEqual([]);
  expect(fx.sim.model.guest(100)?.node).toBe("pve2");
  return returnedAt;
}

/** After the replica is in sync, the hold gives HA's failback back and HA migrates VM 100 home to pve1. */
async function seeVm100GoHome(panel: Locator, hold: Locator) {
  await expect(hold).toContainText("HA failback restored: done", { timeout: 60_000 });
  await expect(panel.getByTestId("failback-switch-back")).toContainText("The replica on pve1 is in sync.");
  await advanceUntil("HA to migrate VM 100 back to pve1", 60, 30, () => fx.sim.model.guest(100)?.node === "pve1" && fx.sim.model.guest(100)?.status === "running");
  await advanceUntil("job 100-0 to turn around to pve1 → pve2", 60, 30, () => fx.sim.model.jobs.get("100-0")?.source === "pve1");
}

test("pve-standby holds replication back to a dead node by itself; an operator keeps its writes with the shown commands and sees the replica in sync", async ({ page }) => {
  test.setTimeout(300_000);
  await signInAs(page, OPERATOR);
  const { panel, hold } = await losePve1AndSeeTheAutomaticHold(page);

  await panel.getByTestId("failback-keep").click();
  const commands = panel.getByTestId("failback-keep-commands");
  await expect(commands).toContainText("zfs rename -p rpool/data/vm-100-disk-0 rpool/pve-standby-kept/vm-100-disk-0-", { timeout: 30_000 });
  await expect(hold).toContainText(`${OPERATOR.email} chose to keep pve1's writes`);

  // While the hold stands the job cannot run: the first run of 100-0 after pve1's return is the
  // sync the release lets through (the clock runs on while the page catches up, so a time taken
  // when the page shows the release could fall after that run had started).
  const returnedAt = await bringPve1Back();

  // The operator copies the commands into a root shell on pve1.
  for (const command of (await commands.locator("pre").innerText()).split("\n").filter(Boolean)) {
    expect((await rootShell(fx, "pve1", command)).code).toBe(0);
  }
  await expect(hold).toContainText("Old writes kept: done", { timeout: 30_000 });
  await expect(hold).toContainText("Job re-enabled: done", { timeout: 30_000 });
  // The volumes left the storage, so the sync back is a full one (about an hour simulated).
  await advanceUntil("the full sync of VM 100 back to pve1", 300, 40, () => okRunsSince(returnedAt).length > 0);
  await expect(hold).toContainText("Synced: done", { timeout: 60_000 });
  expect(okRunsSince(returnedAt)[0]).toMatchObject({ node: "pve2", kind: "full" });

  // The kept datasets are still on pve1, and the replica is the job's.
  const listed = await rootShell(fx, "pve1", "zfs list -H -o name rpool/data/vm-100-disk-1");
  expect(listed.stdout.trim()).toBe("rpool/data/vm-100-disk-1");
  const kept = await rootShell(fx, "pve1", "zfs list -H -o name -r rpool/pve-standby-kept");
  expect(kept.stdout).toMatch(/rpool\/pve-standby-kept\/vm-100-disk-1-\d+/);
  await seeVm100GoHome(panel, hold);
});

test("pve-standby holds replication back to a dead node by itself; an operator discards its writes and the next sync rolls pve1 back", async ({ page }) => {
  test.setTimeout(300_000);
  await signInAs(page, OPERATOR);
  const { panel, hold } = await losePve1AndSeeTheAutomaticHold(page);
  const divergent = fx.sim.model.volume("pve1", "local-zfs:vm-100-disk-1")?.divergent?.bytes ?? 0;

  // The first run of 100-0 after pve1's return is the one the release lets through (see the keep test).
  const returnedAt = await bringPve1Back();
  expect(fx.sim.model.volume("pve1", "local-zfs:vm-100-disk-1")?.divergent?.bytes ?? 0).toBe(divergent);

  await panel.getByTestId("failback-discard").click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("Discard what pve1 wrote?");
  await dialog.getByRole("button", { name: "Discard and resume replication" }).click();
  await expect(hold).toContainText(`${OPERATOR.email} chose to discard pve1's writes`, { timeout: 30_000 });
  await expect(hold).toContainText("Job re-enabled: done", { timeout: 30_000 });
  await advanceUntil("the sync of VM 100 back to pve1", 60, 30, () => okRunsSince(returnedAt).length > 0);
  await expect(hold).toContainText("Synced: done", { timeout: 60_000 });
  // Incremental from the common base: what pve1 wrote after it is gone, and nothing was kept.
  const resync = okRunsSince(returnedAt)[0]!;
  expect(resync).toMatchObject({ node: "pve2", kind: "incremental" });
  if (divergent > 0) expect(resync.discarded).toBeGreaterThan(0);
  await seeVm100GoHome(panel, hold);
});

test("an admin turns the automatic hold off and on again on the cluster page (audited); an operator may not change it", async ({ page, browser }) => {
  await signInAs(page, ADMIN);
  const cluster = ((await (await page.request.get("/api/clusters")).json()) as { id: string; name: string }[]).find((c) => c.name === CLUSTER)!;
  const url = `/api/clusters/${cluster.id}/failback-auto-hold`;
  await page.goto(`/clusters/${cluster.id}`);
  const setting = page.getByTestId("failback-auto-hold-setting");
  const toggle = setting.getByRole("switch", { name: "Hold replication back to a recovered node automatically" });
  // On by default.
  await expect(toggle).toBeChecked();
  await toggle.click();
  await expect(toggle).not.toBeChecked();
  expect(await (await page.request.get(url)).json()).toEqual({ failbackAutoHold: false });
  await page.reload();
  await expect(toggle).not.toBeChecked();
  await toggle.click();
  await expect(toggle).toBeChecked();
  expect(await (await page.request.get(url)).json()).toEqual({ failbackAutoHold: true });
  // Bad input gets a clear error and changes nothing.
  const bad = await page.request.put(url, { data: { failbackAutoHold: "yes" } });
  expect(bad.status()).toBe(400);
  expect(await (await page.request.get(url)).json()).toEqual({ failbackAutoHold: true });

  await page.goto(`/audit?action=cluster.update&target=${encodeURIComponent(cluster.id)}`);
  await expect(page.getByText('"before":{"failbackAutoHold":true},"after":{"failbackAutoHold":false}')).toBeVisible();
  await expect(page.getByText('"before":{"failbackAutoHold":false},"after":{"failbackAutoHold":true}')).toBeVisible();

  const operator = await browser.newPage();
  await signInAs(operator, OPERATOR);
  expect((await operator.request.put(url, { data: { failbackAutoHold: false } })).status()).toBe(403);
  await operator.close();
  expect(await (await page.request.get(url)).json()).toEqual({ failbackAutoHold: true });
});
