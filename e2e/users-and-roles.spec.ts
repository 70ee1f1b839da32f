import { expect, test } from "@playwright/test";
import { ADMIN, createUserViaApi, signIn, signInAs, signOut } from "./fixtures/accounts";

test("an admin creates an operator, who must choose a password and then signs in", async ({ page }) => {
  await signInAs(page, ADMIN);
  await page.goto("/settings/users");
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email").fill("olivia@example.com");
  await dialog.getByLabel("Name").fill("Olivia Operator");
  await dialog.getByLabel("Role").click();
  await page.getByRole("option", { name: "Operator" }).click();
  await dialog.getByLabel("Temporary password").fill("temporary-pass-1");
  await dialog.getByRole("button", { name: "Create user" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole("row").filter({ hasText: "olivia@example.com" });
  await expect(row.getByText("Must change password")).toBeVisible();
  await signOut(page);

  await signIn(page, "olivia@example.com", "temporary-pass-1");
  await expect(page).toHaveURL(/\/account\/password/);
  await page.getByLabel("Current password").fill("temporary-pass-1");
  await page.getByLabel("New password", { exact: true }).fill("olivias-own-pass-1");
  await page.getByLabel("Repeat new password").fill("olivias-own-pass-1");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/login\?changed=1/);

  await signInAs(page, { email: "olivia@example.com", password: "olivias-own-pass-1" });
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Audit" })).toBeVisible();
  await signOut(page);

  await signInAs(page, ADMIN);
  await page.goto("/audit?action=user.create");
  await expect(page.getByTestId("audit-row").filter({ hasText: "olivia@example.com" }).filter({ hasText: "success" })).toHaveCount(1);
  await page.goto("/audit?action=account.password_change&actor=olivia@example.com");
  await expect(page.getByTestId("audit-row").filter({ hasText: "success" })).toHaveCount(1);
});

test("a viewer cannot open the users page, and a forged admin request is refused and audited", async ({ page, browser }) => {
  const admin = await browser.newPage();
  await signInAs(admin, ADMIN);
  await createUserViaApi(admin, { email: "vic@example.com", name: "Vic Viewer", role: "viewer", password: "viewer-temp-pass" });
  // A fresh account must change its password first; do that through the API as the viewer.
  await signIn(page, "vic@example.com", "viewer-temp-pass");
  await expect(page).toHaveURL(/\/account\/password/);
  const change = await page.request.post("/api/account/password", { data: { currentPassword: "viewer-temp-pass", newPassword: "viewer-own-pass-1" } });
  expect(change.status()).toBe(200);
  await signInAs(page, { email: "vic@example.com", password: "viewer-own-pass-1" });

  await expect(page.getByRole("link", { name: "Audit" })).toHaveCount(0);
  const response = await page.goto("/settings/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have permission to open this page" })).toBeVisible();

  const forged = await page.request.post("/api/users", { data: { email: "evil@example.com", name: "Evil", role: "admin", password: "evil-password-1" } });
  expect(forged.status()).toBe(403);
  const users = await admin.request.get("/settings/users");
  expect(await users.text()).not.toContain("evil@example.com");

  await admin.goto("/audit?actor=vic@example.com");
  await expect(admin.getByTestId("audit-row").filter({ hasText: "user.create" }).filter({ hasText: "denied" })).toHaveCount(1);
  await expect(admin.getByTestId("audit-row").filter({ hasText: "page.view" }).filter({ hasText: "denied" })).toHaveCount(1);
});

test("the last admin cannot be demoted or disabled", async ({ page }) => {
  await signInAs(page, ADMIN);
  await page.goto("/settings/users");
  const row = page.getByRole("row").filter({ hasText: ADMIN.email });
  await row.getByRole("button", { name: `Disable ${ADMIN.email}` }).click();
  await expect(page.getByText("This is the last enabled admin. Make another user admin first.")).toBeVisible();
  await expect(row.getByText("Active")).toBeVisible();
});
