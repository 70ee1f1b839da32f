import { expect, test } from "@playwright/test";
import { ADMIN, signInAs } from "./fixtures/accounts";

test("first run: every page leads to setup, which creates the first admin and then disappears", async ({ page }) => {
  await page.goto("/clusters");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Welcome to pve-standby" })).toBeVisible();

  // A page on another name that resolves to this machine (DNS rebinding) cannot reach a fresh /setup.
  expect((await page.request.get("/setup", { headers: { Host: "rebound.evil.example" } })).status()).toBe(421);
  const rebound = await page.request.post("/api/setup", {
    headers: { Host: "rebound.evil.example" },
    data: { name: "Mallory", email: "mallory@example.com", password: "mallory-password" },
  });
  expect(rebound.status()).toBe(421);

  // Another site's form cannot create the first admin of a fresh install.
  const forged = await page.request.post("/api/setup", {
    headers: { Origin: "https://evil.example", "Content-Type": "text/plain" },
    data: JSON.stringify({ name: "Mallory", email: "mallory@example.com", password: "mallory-password" }),
  });
  expect(forged.status()).toBe(403);

  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Repeat password").fill("short");
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();

  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Repeat password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page).toHaveURL(/\/login/);

  const again = await page.goto("/setup");
  expect(again?.status()).toBe(404);
  const replay = await page.request.post("/api/setup", { data: { name: "Mallory", email: "mallory@example.com", password: "mallory-password" } });
  expect(replay.status()).toBe(409);

  await signInAs(page, ADMIN);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByText("No clusters yet")).toBeVisible();
});
