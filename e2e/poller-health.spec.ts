import { expect, test } from "@playwright/test";
import { startSimulatorFixture, type SimulatorFixture } from "../lib/testing/simulator-fixture";
import { ADMIN, signInAs } from "./fixtures/accounts";

// The poller's own health, end to end: a cluster that stops answering shows as a failing poll on
// its page and in /api/health within one interval (the e2e server polls every 2 s), and the app
// reports itself degraded once the cluster went three intervals without a good cycle.
let sim: SimulatorFixture;
test.beforeAll(async () => {
  sim = await startSimulatorFixture();
});
test.afterAll(async () => {
  await sim?.close();
});

type HealthCluster = { name: string; status: string; pollAgeSeconds: number | null; consecutiveFailures: number };
type Health = { status: string; poller: { status: string } | null; clusters: HealthCluster[] };

test("a cluster that stops answering shows as a failing poll on its page and in /api/health", async ({ page, request }) => {
  await signInAs(page, ADMIN);
  const created = await page.request.post("/api/clusters", {
    data: {
      name: "Health DC",
      endpoints: `127.0.0.1:${sim.endpoint(sim.sim.nodeNames[0]!).port}`,
      authKind: "token",
      principal: sim.sim.credentials.tokenId,
      secret: sim.sim.credentials.tokenSecret,
      trustKind: "fingerprint",
      fingerprints: sim.pins,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const mine = async () => {
    const health = (await (await request.get("/api/health")).json()) as Health;
    return { health, cluster: health.clusters.find((c) => c.name === "Health DC") };
  };

  try {
    await expect.poll(async () => (await mine()).cluster).toMatchObject({ status: "ok", consecutiveFailures: 0 });
    expect((await mine()).health.poller?.status).toBe("ok");
    await page.goto(`/clusters/${id}`);
    const panel = page.getByRole("region", { name: "Poller" });
    await expect(panel.getByText("Polling", { exact: true })).toBeVisible();
    await expect(panel.getByTestId("poller-failures")).toHaveText("0");

    // Every listener closes: the next cycle cannot connect.
    await sim.servers.close();
    await expect.poll(async () => (await mine()).cluster?.consecutiveFailures).toBeGreaterThan(0);
    await expect(panel.getByTestId("poller-failures")).not.toHaveText("0");
    await expect(panel.getByText(/unreachable: /)).toBeVisible();

    await expect.poll(async () => (await mine()).cluster?.status).toBe("unpolled");
    expect((await mine()).health.status).toBe("degraded");
    await expect(panel.getByText("Not polled", { exact: true })).toBeVisible();
    // The public answer never carries the failure text (it may name hosts).
    expect(JSON.stringify((await mine()).health)).not.toContain("127.0.0.1");
  } finally {
    const removed = await page.request.delete(`/api/clusters/${id}`, { data: { keepHistory: false } });
    expect(removed.status(), await removed.text()).toBe(200);
  }
});
