import { expect, test } from "@playwright/test";
import { ADMIN, signInAs } from "./fixtures/accounts";

const PAGES = [
  { path: "/", heading: "Overview" },
  { path: "/clusters", heading: "Clusters" },
  { path: "/failover", heading: "Failover" },
  { path: "/alerts", heading: "Alerts" },
  { path: "/audit", heading: "Audit log" },
  { path: "/settings", heading: "Settings" },
  { path: "/settings/users", heading: "Users" },
];

// Screenshots land in test-results/ as artifacts a reviewer can look at.
test("every shell page renders in light and dark themes", async ({ page }, info) => {
  await signInAs(page, ADMIN);
  for (const theme of ["light", "dark"] as const) {
    await page.evaluate((t) => localStorage.setItem("theme", t), theme);
    for (const p of PAGES) {
      await page.goto(p.path);
      await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
      await expect(page.locator("html")).toHaveClass(new RegExp(theme));
      await page.screenshot({ path: info.outputPath(`${theme}${p.path.replaceAll("/", "_") || "_"}.png`), fullPage: true });
    }
  }
});

test("the theme toggle switches to dark mode from the keyboard", async ({ page }) => {
  await signInAs(page, ADMIN);
  await page.evaluate(() => localStorage.setItem("theme", "light"));
  await page.reload();
  await page.getByRole("button", { name: /theme/i }).first().focus();
  await page.keyboard.press("Enter");
  await page.getByRole("menuitemradio", { name: "Dark" }).click();
  await expect(page.locator("html")).toHaveClass(/dark/);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the sidebar collapses into a menu that navigates", async ({ page }, info) => {
    await signInAs(page, ADMIN);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await page.getByRole("button", { name: "Open menu" }).click();
    const nav = page.getByRole("dialog").getByRole("navigation", { name: "Main" });
    await expect(nav).toBeVisible();
    await nav.getByRole("link", { name: "Clusters" }).click();
    await expect(page).toHaveURL(/\/clusters$/);
    await expect(page.getByRole("dialog")).toBeHidden();
    for (const p of PAGES) {
      await page.goto(p.path);
      await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
      await page.screenshot({ path: info.outputPath(`phone${p.path.replaceAll("/", "_") || "_"}.png`), fullPage: true });
    }
  });
});

test("health answers without authentication and without secrets", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  // The poller's part (overall status included) is asserted by poller-health.spec.ts, whose scenario decides it.
  expect(body).toMatchObject({ database: "ok" });
  expect(Object.keys(body).sort()).toEqual(["clusters", "database", "poller", "status", "version"]);
  for (const cluster of body.clusters) expect(Object.keys(cluster).sort()).toEqual(["consecutiveFailures", "name", "pollAgeSeconds", "status"]);
});

test("responses carry security headers", async ({ request }) => {
  const response = await request.get("/login");
  const headers = response.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("strict-origin");
});
