import { expect, test, type Page } from "@playwright/test";
import { ADMIN, signIn, signInAs } from "./fixtures/accounts";

// Every page a signed-in admin or a guest opens: none may trip the Content-Security-Policy.
const PAGES = ["/login", "/", "/clusters", "/failover", "/alerts", "/audit", "/settings", "/settings/users", "/account/password", "/no-such-page"];

function collectCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  return violations;
}

test("pages carry a nonce-based CSP without 'unsafe-inline' scripts, and every page still works under it", async ({ page }) => {
  test.setTimeout(180_000);
  const violations = collectCspViolations(page);
  const first = await page.goto("/login");
  const csp = first!.headers()["content-security-policy"] ?? "";
  const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
  expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  const second = await page.goto("/login");
  expect(second!.headers()["content-security-policy"]).not.toBe(csp);

  await signInAs(page, ADMIN);
  for (const path of PAGES.slice(1)) {
    await page.goto(path);
    await expect(page.locator("h1").first()).toBeVisible();
  }
  // The client took over (hydration ran under the CSP): the theme menu opens.
  await page.goto("/");
  await expect(async () => {
    await page.getByRole("button", { name: "Change theme" }).click();
    await expect(page.getByRole("menuitemradio", { name: "Dark" })).toBeVisible({ timeout: 2_000 });
  }).toPass();
  expect(violations).toEqual([]);
});

test("a request for another host name (DNS rebinding) is refused with 421", async ({ request }) => {
  for (const path of ["/login", "/api/health", "/api/auth/session"]) {
    const response = await request.get(path, { headers: { Host: "rebound.evil.example" } });
    expect(response.status(), path).toBe(421);
  }
  expect((await request.get("/api/health", { headers: { Host: "localhost" } })).status()).toBe(200);
});

test("a forged X-Forwarded-For changes neither the audited address nor the address the limit counts", async ({ page, browser }) => {
  const probe = `forged-${Date.now()}@example.com`;
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": "6.6.6.6", "X-Real-IP": "6.6.6.7" });
  await signIn(page, probe, "not-the-password");
  await expect(page.getByTestId("login-error")).toBeVisible();

  const admin = await browser.newPage();
  await signInAs(admin, ADMIN);
  await admin.goto(`/audit?action=auth.signin&actor=${encodeURIComponent(probe)}`);
  const row = admin.getByTestId("audit-row").first();
  await expect(row).toContainText("127.0.0.1");
  await expect(row).not.toContainText("6.6.6");
});
