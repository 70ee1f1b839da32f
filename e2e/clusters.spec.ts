import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Locator } from "@playwright/test";
import { startSimulatorFixture, type SimulatorFixture } from "../lib/testing/simulator-fixture";
import { startServers, type RunningServers } from "../lib/simulator/server";
import { ADMIN, signInAs } from "./fixtures/accounts";

// The simulator runs inside the test process on ephemeral HTTPS ports; the app connects to it
// exactly as it would to a real cluster (pinned certificate, API token).
let sim: SimulatorFixture;
test.beforeAll(async () => {
  sim = await startSimulatorFixture();
});
test.afterAll(async () => {
  await sim?.close();
});

const addresses = () => sim.sim.nodeNames.map((n) => `127.0.0.1:${sim.endpoint(n).port}`).join("\n");

async function fillConnection(dialog: Locator, name: string) {
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Node addresses").fill(addresses());
  await dialog.getByLabel("Token ID").fill(sim.sim.credentials.tokenId);
  await dialog.getByLabel("Token secret").fill(sim.sim.credentials.tokenSecret);
  await dialog.getByRole("button", { name: "Next: certificate" }).click();
}

test("an admin adds a cluster after confirming its certificate, and a wrong pin is refused loudly", async ({ page }) => {
  await signInAs(page, ADMIN);
  await page.goto("/clusters");
  await expect(page.getByRole("heading", { name: "Clusters", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Add cluster" }).first().click();
  const dialog = page.getByRole("dialog");

  await dialog.getByRole("button", { name: "Next: certificate" }).click();
  await expect(dialog.getByText(/Enter at least one node address/)).toBeVisible();

  // A pasted fingerprint that is not the node's: the test stops at TLS and shows both values.
  await fillConnection(dialog, "Simulated DC");
  await expect(dialog.getByText(sim.pins[0]!).first()).toBeVisible();
  await dialog.getByRole("tab", { name: "Paste fingerprint" }).click();
  await dialog.getByLabel("SHA-256 fingerprints").fill("AB:".repeat(31) + "AB");
  await dialog.getByRole("button", { name: "Next: test connection" }).click();
  await expect(dialog.getByText("Certificate does not match: connection refused")).toBeVisible();
  await expect(dialog.getByText("Presented now")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Save cluster" })).toBeDisabled();

  // Back to the fetched certificate: it must be confirmed explicitly.
  await dialog.getByRole("button", { name: "Back" }).click();
  await dialog.getByRole("tab", { name: "Confirm fetched" }).click();
  await dialog.getByRole("button", { name: "Next: test connection" }).click();
  await expect(dialog.getByText("Confirm the certificate, or paste a fingerprint.")).toBeVisible();
  await dialog.getByRole("checkbox", { name: /I compared the fingerprint/ }).check();
  await dialog.getByRole("button", { name: "Next: test connection" }).click();

  await expect(dialog.getByRole("heading", { name: "Privileges per feature" })).toBeVisible();
  await expect(dialog.getByText(`Nodes (${sim.sim.nodeNames.length})`)).toBeVisible();
  await dialog.getByRole("button", { name: "Save cluster" }).click();
  await expect(dialog).toBeHidden();

  const card = page.getByRole("region", { name: "Simulated DC" });
  await expect(card).toBeVisible();
  await expect(card.getByText(`${sim.sim.nodeNames.length} pinned certificate(s)`)).toBeVisible();
  await expect(card.getByText(sim.sim.credentials.tokenSecret)).toHaveCount(0);
  const listing = await page.request.get("/api/clusters");
  expect(await listing.text()).not.toContain(sim.sim.credentials.tokenSecret);
  // The audit trail names what happened (probe, test, create) but never carries the secret.
  await page.goto("/audit");
  await expect(page.getByText("cluster.create").first()).toBeVisible();
  expect(await page.content()).not.toContain(sim.sim.credentials.tokenSecret);
});

test("an admin renames, disables, removes keeping history, reconnects, then deletes the history", async ({ page }) => {
  await signInAs(page, ADMIN);
  await page.goto("/clusters");
  let card = page.getByRole("region", { name: "Simulated DC" });
  await card.getByRole("button", { name: "Edit Simulated DC" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("Main site");
  await dialog.getByRole("button", { name: "Save name" }).click();
  await expect(dialog).toBeHidden();
  card = page.getByRole("region", { name: "Main site" });

  await card.getByRole("button", { name: "Disable Main site" }).click();
  await expect(card.getByText("Disabled", { exact: true })).toBeVisible();

  await card.getByRole("button", { name: "Remove Main site" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm.getByRole("radio", { name: /Keep history/ })).toBeChecked();
  await confirm.getByRole("button", { name: "Remove, keep history" }).click();
  await expect(card.getByRole("status").getByText("Removed, history kept")).toBeVisible();

  // The credential is gone: reconnecting needs it again, and keeps the pinned certificates.
  await card.getByRole("button", { name: "Edit Main site" }).click();
  await dialog.getByRole("button", { name: "Next: certificate" }).click();
  await dialog.getByRole("button", { name: "Next: test connection" }).click();
  await expect(dialog.getByText(/credentials were removed with the cluster/)).toBeVisible();
  await dialog.getByRole("button", { name: "Back" }).click();
  await dialog.getByLabel("Token secret").fill(sim.sim.credentials.tokenSecret);
  await dialog.getByRole("button", { name: "Next: certificate" }).click();
  await expect(dialog.getByText("Pinned", { exact: true }).first()).toBeVisible();
  await dialog.getByRole("button", { name: "Next: test connection" }).click();
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog).toBeHidden();
  await card.getByRole("button", { name: "Enable Main site" }).click();
  await expect(card.getByRole("button", { name: "Disable Main site" })).toBeVisible();

  await card.getByRole("button", { name: "Remove Main site" }).click();
  await confirm.getByRole("radio", { name: /Delete history too/ }).check();
  await confirm.getByRole("button", { name: "Remove with history" }).click();
  await expect(page.getByText("No clusters connected")).toBeVisible();
});

test("a changed certificate stops the connection and is shown loudly until an admin pins the new one", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAs(page, ADMIN);
  const node = sim.sim.nodeNames[0]!;
  const { port } = sim.endpoint(node);
  const created = await page.request.post("/api/clusters", {
    data: {
      name: "Renewed DC",
      endpoints: `127.0.0.1:${port}`,
      authKind: "token",
      principal: sim.sim.credentials.tokenId,
      secret: sim.sim.credentials.tokenSecret,
      trustKind: "fingerprint",
      fingerprints: [sim.pins[0]],
    },
  });
  expect(created.status(), await created.text()).toBe(201);

  // The node gets a new certificate (new cluster CA) on the same address.
  const dataDir = await mkdtemp(join(tmpdir(), "pve-standby-e2e-renewed-"));
  let renewed: RunningServers | undefined;
  try {
    await sim.servers.close();
    // Only this node listens again (offline nodes do not), so no other port has to be free.
    for (const other of sim.sim.nodeNames.slice(1)) sim.sim.model.setNodeOnline(other, false, sim.sim.core.now());
    renewed = await startServers(sim.sim, { dataDir, port });
    await page.goto("/clusters");
    const card = page.getByRole("region", { name: "Renewed DC" });
    // The poller finds the mismatch on its next cycle (15 s interval); the list refreshes every 10 s.
    await expect(card.getByText("Certificate changed: connection stopped").first()).toBeVisible({ timeout: 60_000 });
    await expect(card.getByRole("alert")).toContainText("not the pinned one");

    await card.getByRole("button", { name: "Review certificate" }).click();
    const dialog = page.getByRole("dialog");
    // A new pin means the stored secret would go to a certificate it was never sent to: enter it again.
    await dialog.getByLabel("Token secret").fill(sim.sim.credentials.tokenSecret);
    await dialog.getByRole("button", { name: "Next: certificate" }).click();
    await expect(dialog.getByText("Not pinned", { exact: true })).toBeVisible();
    await dialog.getByRole("tab", { name: "Confirm fetched" }).click();
    await dialog.getByRole("checkbox", { name: /I compared the fingerprint/ }).check();
    await dialog.getByRole("button", { name: "Next: test connection" }).click();
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await expect(dialog).toBeHidden();
    await expect(card.getByText("Certificate changed: connection stopped")).toHaveCount(0);

    await card.getByRole("button", { name: "Remove Renewed DC" }).click();
    await page.getByRole("alertdialog").getByRole("radio", { name: /Delete history too/ }).check();
    await page.getByRole("alertdialog").getByRole("button", { name: "Remove with history" }).click();
    await expect(page.getByText("No clusters connected")).toBeVisible();
  } finally {
    await renewed?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
