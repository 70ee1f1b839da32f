import { expect, test, type Page } from "@playwright/test";
import { ADMIN, signInAs, signOut } from "./fixtures/accounts";

async function signInFrom(page: Page, loginUrl: string) {
  await page.goto(loginUrl);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("signing out ends the session on the server: a copied session cookie no longer works", async ({ page, browser }) => {
  await signInAs(page, ADMIN);
  const copied = await page.context().cookies();
  expect((await page.request.get("/api/replication")).status()).toBe(200);

  await signOut(page);

  const thief = await browser.newContext();
  await thief.addCookies(copied);
  expect((await thief.request.get("/api/replication")).status()).toBe(401);
  expect(await (await thief.request.get("/api/auth/session")).json()).toEqual({});
  const stolenPage = await thief.newPage();
  await stolenPage.goto("/clusters");
  await expect(stolenPage).toHaveURL(/\/login/);
  await thief.close();
});

test("a post-sign-in redirect to another host is refused; a same-origin path is kept", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  await signInFrom(page, `/login?callbackUrl=${encodeURIComponent("/\\evil.example")}`);
  await expect(page.getByRole("button", { name: /Account menu/ })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(origin);
  expect(new URL(page.url()).pathname).toBe("/");
  await signOut(page);

  await signInFrom(page, `/login?callbackUrl=${encodeURIComponent("/audit?action=auth.signin")}`);
  await expect(page).toHaveURL(`${origin}/audit?action=auth.signin`);
});
