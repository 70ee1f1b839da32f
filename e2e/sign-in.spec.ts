import { expect, test } from "@playwright/test";
import { ADMIN, createUserViaApi, signIn, signInAs } from "./fixtures/accounts";

test("a wrong password gets one message that does not say which part was wrong", async ({ page }) => {
  await signIn(page, ADMIN.email, "not-the-password");
  await expect(page.getByTestId("login-error")).toHaveText("The email or password is not correct.");
  await signIn(page, "nobody@example.com", "not-the-password");
  await expect(page.getByTestId("login-error")).toHaveText("The email or password is not correct.");
});

test("repeated failures lock the account for a while, even for the right password", async ({ page, browser }) => {
  const victim = { email: "locked@example.com", name: "Lou Locked", role: "viewer", password: "lockout-victim-pass" };
  const admin = await browser.newPage();
  await signInAs(admin, ADMIN);
  await createUserViaApi(admin, victim);

  for (let i = 0; i < 5; i++) {
    await signIn(page, victim.email, `wrong-${i}`);
    await expect(page.getByTestId("login-error")).toHaveText("The email or password is not correct.");
  }
  await signIn(page, victim.email, victim.password);
  await expect(page.getByTestId("login-error")).toContainText(/Too many failed sign-ins\. Try again in 15 minutes/);
  await expect(page).toHaveURL(/\/login/);

  await admin.goto("/audit?action=auth.signin&actor=locked@example.com");
  await expect(admin.getByTestId("audit-row").filter({ hasText: "denied" }).first()).toBeVisible();
  await expect(admin.getByTestId("audit-row").filter({ hasText: "failure" })).toHaveCount(5);
});
