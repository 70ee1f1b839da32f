import { expect, test, type Page } from "@playwright/test";

// What `npm run demo` shows a new user: the demo accounts, the simulated cluster already
// registered, and a day of history recorded by the real poller before the app opened.
const VIEWER = { email: "viewer@demo.local", password: "demo" };
const OPERATOR = { email: "operator@demo.local", password: "demo" };

async function signIn(page: Page, account: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: /Account menu/ })).toBeVisible();
}

test("the demo opens with the simulated cluster and a day of replication history", async ({ page }, info) => {
  await page.goto("/login");
  await expect(page.getByText(/Demo mode/).first()).toBeVisible();
  await expect(page.getByText("viewer@demo.local")).toBeVisible();
  await signIn(page, VIEWER);
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  const jobLink = page.getByRole("link", { name: "db-primary", exact: true });
  await expect(jobLink).toBeVisible();
  await page.screenshot({ path: info.outputPath("overview-desktop.png"), fullPage: true });

  await jobLink.click();
  await expect(page.getByText("Lag against RPO")).toBeVisible();
  await page.getByRole("tab", { name: "24h" }).click();
  // A day of runs, each with the log fetched when it ended.
  await expect.poll(() => page.getByRole("button", { name: /Log of the run/ }).count()).toBeGreaterThan(5);
  await page.screenshot({ path: info.outputPath("job-desktop.png"), fullPage: true });

  await page.getByRole("link", { name: /db-primary \(100\) on demo/ }).click();
  await expect(page.getByRole("tab", { name: "Replication" })).toBeVisible();
  await page.screenshot({ path: info.outputPath("guest-desktop.png"), fullPage: true });

  await page.goto("/clusters");
  const card = page.getByRole("region", { name: "demo" });
  await expect(card).toBeVisible();
  await page.screenshot({ path: info.outputPath("clusters-desktop.png"), fullPage: true });
  await card.getByRole("link", { name: "demo" }).first().click();
  await expect(page.getByText("pve1").first()).toBeVisible();
  await page.screenshot({ path: info.outputPath("cluster-desktop.png"), fullPage: true });
});

test("a viewer sees no management controls, and a forged job change is refused and audited", async ({ page, browser }) => {
  await signIn(page, VIEWER);
  await page.goto("/?q=db-primary");
  await page.getByRole("link", { name: "db-primary", exact: true }).click();
  await expect(page.getByText("Lag against RPO")).toBeVisible();
  await expect(page.getByRole("button", { name: "Run now" })).toHaveCount(0);
  const jobRowId = page.url().split("/replication/")[1]!;
  const forged = await page.request.post(`/api/replication/${jobRowId}/run`, { data: {} });
  expect(forged.status()).toBe(403);

  const operator = await browser.newPage();
  await signIn(operator, OPERATOR);
  await operator.goto(`/audit?actor=viewer@demo.local&action=replication.run`);
  await expect(operator.getByTestId("audit-row").filter({ hasText: "denied" })).toHaveCount(1);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the replication pages stay usable", async ({ page }, info) => {
    await signIn(page, VIEWER);
    await page.screenshot({ path: info.outputPath("overview-phone.png"), fullPage: true });
    await page.goto("/?q=db-primary");
    await page.getByRole("link", { name: "db-primary", exact: true }).click();
    await expect(page.getByText("Lag against RPO")).toBeVisible();
    await page.screenshot({ path: info.outputPath("job-phone.png"), fullPage: true });
    await page.getByRole("link", { name: /db-primary \(100\) on demo/ }).click();
    await expect(page.getByRole("tab", { name: "Replication" })).toBeVisible();
    await page.screenshot({ path: info.outputPath("guest-phone.png"), fullPage: true });
    await page.goto("/clusters");
    await page.getByRole("region", { name: "demo" }).getByRole("link", { name: "demo" }).first().click();
    await expect(page.getByText("pve1").first()).toBeVisible();
    await page.screenshot({ path: info.outputPath("cluster-phone.png"), fullPage: true });
  });
});
