import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { Client } from "ssh2";
import { startSimulatorFixture, type SimulatorFixture } from "../lib/testing/simulator-fixture";
import { ADMIN, createUserViaApi, signIn, signInAs } from "./fixtures/accounts";
import { removeClusterNamed } from "./fixtures/clusters";

// Failback on the Failover page: pve1 dies, HA recovers VM 100 (db-primary) to pve2 and Proxmox
// turns its job around to pve2 → pve1. While pve1 is down the operator holds replication back to
// it, chooses to keep pve1's writes, runs the shown commands on pve1 (no recovery credential is
// stored, so the app shows them) once it is back, and sees the replica in sync. The simulator's
// clock is moved through its control API, so hours of replication pass in seconds.
test.describe.configure({ mode: "serial" });

let fx: SimulatorFixture;
let control: APIRequestContext;
const stamp = Date.now();
const CLUSTER = "e2e-failback";
const OPERATOR = { email: `fiona-${stamp}@example.com`, name: "Fiona Operator", password: "fionas-own-pass-1" };

async function controlCall(method: "POST" | "PUT", path: string, data: unknown) {
  // Through pve2, which this spec never kills.
  const { host, port } = fx.endpoint("pve2");
  const response = await control.fetch(`https://${host}:${port}${path}`, { method, data, headers: { Authorization: `Bearer ${fx.sim.controlToken}` } });
  expect(response.status(), await response.text()).toBe(200);
}

/** The operator's terminal on a node: a root shell over SSH (ssh2, like any SSH client). */
function runOnNode(node: string, command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const e = fx.servers.endpoints.find((x) => x.node === node)!;
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on("ready", () => {
        client.exec(command, (err, stream) => {
          if (err) return reject(err);
          let stdout = "";
          let stderr = "";
          stream.on("data", (d: Buffer) => (stdout += d.toString()));
          stream.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          stream.on("close", (code: number | null) => {
            client.end();
            resolve({ code: code ?? 0, stdout, stderr });
          });
        });
      })
      .on("error", reject)
      .connect({ host: "127.0.0.1", port: e.sshPort, username: "root", password: fx.sim.credentials.rootPassword, readyTimeout: 5000 });
  });
}

test.beforeAll(async ({ browser }) => {
  // Four hours of history: VM 100's first full sync (232 GiB at 80 MB/s) has long completed.
  fx = await startSimulatorFixture({ scenario: "demo", seed: 12, startTime: Math.floor(Date.now() / 1000) - 4 * 3600, speed: 0 });
  for (let i = 0; i < 240; i++) fx.sim.advance(60);
  fx.sim.clock.set(Date.now());
  fx.sim.clock.setSpeed(1);
  control = await request.newContext({ ignoreHTTPSErrors: true });

  const page = await browser.newPage();
  await signInAs(page, ADMIN);
  const existing = ((await (await page.request.get("/api/clusters")).json()) as { id: string; name: string }[]).find((c) => c.name === CLUSTER);
  if (existing) await page.request.delete(`/api/clusters/${existing.id}`, { data: { keepHistory: false } });
  const response = await page.request.post("/api/clusters", {
    data: {
      name: CLUSTER,
      endpoints: fx.sim.nodeNames.map((n) => `${fx.endpoint(n).host}:${fx.endpoint(n).port}`).join("\n"),
      authKind: "token",
      principal: fx.sim.credentials.tokenId,
      secret: fx.sim.credentials.tokenSecret,
      trustKind: "fingerprint",
      fingerprints: fx.pins,
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  await createUserViaApi(page, { email: OPERATOR.email, name: OPERATOR.name, role: "operator", password: "temporary-pass-1" });
  await page.close();
  const p = await browser.newPage();
  await signIn(p, OPERATOR.email, "temporary-pass-1");
  await expect(p).toHaveURL(/\/account\/password/);
  const change = await p.request.post("/api/account/password", { data: { currentPassword: "temporary-pass-1", newPassword: OPERATOR.password } });
  expect(change.status(), await change.text()).toBe(200);
  await p.close();
});

test.afterAll(async ({ browser }) => {
  if (fx) {
    if (!fx.sim.model.node("pve1")?.online) {
      await controlCall("PUT", "/control/nodes/pve1", { online: 1 });
      await controlCall("POST", "/control/clock", { advance: 180 });
    }
    const seen = new Map<number, number>();
    for (const g of fx.sim.model.guests.values()) seen.set(g.vmid, (seen.get(g.vmid) ?? 0) + 1);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // No job left disabled by pve-standby: only the demo's own paused job (104-0) is.
    expect([...fx.sim.model.jobs.values()].filter((j) => j.disable).map((j) => j.id)).toEqual(["104-0"]);
  }
  await control?.dispose();
  await removeClusterNamed(browser, CLUSTER);
  await fx?.close();
});

test("an operator holds replication back to a dead node, keeps its writes with the shown commands, and sees the replica in sync", async ({ page }) => {
  test.setTimeout(240_000);
  await signInAs(page, OPERATOR);
  await page.goto("/failover");
  await expect(page.getByTestId("nothing-down")).toBeVisible({ timeout: 30_000 });

  await controlCall("PUT", "/control/nodes/pve1", { online: 0 });
  const node = page.getByTestId("down-node-pve1");
  await expect(node).toBeVisible({ timeout: 30_000 });
  const guest = node.getByTestId("outage-guest-100");
  // pve1 held the CRM master: HA recovers VM 100 to pve2 about three minutes later.
  for (const seconds of [50, 90, 70, 70]) await controlCall("POST", "/control/clock", { advance: seconds });
  await expect(guest).toContainText("Started on pve2", { timeout: 30_000 });

  // What the next sync back will do, said before anything happens.
  const panel = guest.getByTestId("failback-100");
  await expect(panel.getByTestId("failback-explain")).toContainText("The next run of job 100-0 from pve2 rolls them back", { timeout: 30_000 });
  await expect(panel.getByTestId("failback-divergent")).toContainText("unknown");
  await expect(panel.getByTestId("failback-next-run")).toContainText("Hold it now; after the return there is no time to react.");

  await panel.getByTestId("failback-hold").click();
  const hold = panel.getByTestId("failback-hold-status");
  await expect(hold).toContainText("Job held: done", { timeout: 30_000 });
  await expect(panel.getByTestId("failback-next-run")).toContainText("Held: job 100-0 is disabled by pve-standby", { timeout: 30_000 });
  expect(fx.sim.model.jobs.get("100-0")).toMatchObject({ source: "pve2", target: "pve1", disable: 1 });

  await panel.getByTestId("failback-keep").click();
  const commands = panel.getByTestId("failback-keep-commands");
  await expect(commands).toContainText("zfs rename -p rpool/data/vm-100-disk-0 rpool/pve-standby-kept/vm-100-disk-0-", { timeout: 30_000 });

  // pve1 returns: the job stays held (pvesr would have run it within a minute).
  const returnedAt = fx.sim.now();
  await controlCall("PUT", "/control/nodes/pve1", { online: 1 });
  await controlCall("POST", "/control/clock", { advance: 180 });
  await expect(page.getByTestId("down-node-pve1").first()).toBeVisible();
  expect(fx.sim.model.performedRuns.filter((r) => r.jobId === "100-0" && r.start >= returnedAt)).toEqual([]);

  // The operator copies the commands into a root shell on pve1.
  for (const command of (await commands.locator("pre").innerText()).split("\n").filter(Boolean)) {
    expect((await runOnNode("pve1", command)).code).toBe(0);
  }
  await expect(hold).toContainText("Old writes kept: done", { timeout: 30_000 });
  await expect(hold).toContainText("Job re-enabled: done", { timeout: 30_000 });
  // The volumes left the storage, so the sync back is a full one: an hour of simulated time.
  for (let i = 0; i < 8; i++) await controlCall("POST", "/control/clock", { advance: 600 });
  await expect(hold).toContainText("Synced: done", { timeout: 60_000 });
  await expect(panel.getByTestId("failback-switch-back")).toContainText("The replica on pve1 is in sync.");

  // The kept datasets are still on pve1, and the replica is the job's.
  const listed = await runOnNode("pve1", "zfs list -H -o name rpool/data/vm-100-disk-1");
  expect(listed.stdout.trim()).toBe("rpool/data/vm-100-disk-1");
  const kept = await runOnNode("pve1", "zfs list -H -o name -r rpool/pve-standby-kept");
  expect(kept.stdout).toMatch(/rpool\/pve-standby-kept\/vm-100-disk-1-\d+/);
  expect(fx.sim.model.jobs.get("100-0")?.disable).toBeFalsy();
});
