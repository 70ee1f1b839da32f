import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { verifyPassword } from "./password";
import { createFirstAdmin } from "./setup";
import { changeOwnPassword, createUser, resetPassword, updateUser, UserError } from "./users";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(() => ({ db, cleanup } = createTestDb()));
afterEach(() => cleanup());

const admin = { email: "ada@example.com", name: "Ada", password: "ada-password-1" };

describe("first-run setup", () => {
  it("creates exactly one admin and refuses a second setup", async () => {
    await createFirstAdmin(db, admin);
    await expect(createFirstAdmin(db, { ...admin, email: "eve@example.com" })).rejects.toThrow(UserError);
    expect(await db.user.count()).toBe(1);
    expect((await db.user.findFirstOrThrow()).role).toBe("admin");
  });

  it("lets only one of two concurrent setups win", async () => {
    const results = await Promise.allSettled([createFirstAdmin(db, admin), createFirstAdmin(db, { ...admin, email: "eve@example.com" })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.user.count()).toBe(1);
  });
});

describe("user management", () => {
  it("stores an argon2id hash, never the password", async () => {
    const user = await createUser(db, { email: "op@example.com", name: "Op", role: "operator", password: "operator-pass-1" }, { mustChangePassword: true });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain("operator-pass-1");
    expect(row.mustChangePassword).toBe(true);
    await expect(createUser(db, { email: "op@example.com", name: "Again", role: "viewer", password: "another-pass-1" }, { mustChangePassword: true })).rejects.toThrow(/already exists/);
  });

  it("never removes the last enabled admin, by demotion or by disabling", async () => {
    const { id } = await createFirstAdmin(db, admin);
    await expect(updateUser(db, id, { role: "operator" })).rejects.toThrow(/last enabled admin/);
    await expect(updateUser(db, id, { disabled: true })).rejects.toThrow(/last enabled admin/);
    const second = await createUser(db, { email: "bo@example.com", name: "Bo", role: "admin", password: "bo-password-12" }, { mustChangePassword: false });
    const { before, after } = await updateUser(db, id, { role: "viewer" });
    expect([before.role, after.role]).toEqual(["admin", "viewer"]);
    await expect(updateUser(db, second.id, { disabled: true })).rejects.toThrow(/last enabled admin/);
  });

  it("does not count a disabled admin as the other admin", async () => {
    const { id } = await createFirstAdmin(db, admin);
    const other = await createUser(db, { email: "bo@example.com", name: "Bo", role: "admin", password: "bo-password-12" }, { mustChangePassword: false });
    await updateUser(db, other.id, { disabled: true });
    await expect(updateUser(db, id, { role: "viewer" })).rejects.toThrow(/last enabled admin/);
  });

  const limit = { ip: "10.0.0.1", limits: { perAccount: 5, perAddress: 20, windowMinutes: 15 }, now: new Date() };

  it("ends sessions on role change, reset and password change by bumping the session version", async () => {
    const { id } = await createFirstAdmin(db, admin);
    const user = await createUser(db, { email: "op@example.com", name: "Op", role: "operator", password: "operator-pass-1" }, { mustChangePassword: false });
    const version = async () => (await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion;
    const v0 = await version();
    await updateUser(db, user.id, { role: "viewer" });
    await resetPassword(db, user.id, "temporary-pass-9");
    expect(await version()).toBe(v0 + 2);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mustChangePassword).toBe(true);
    await expect(changeOwnPassword(db, user.id, "wrong-current-pass", "new-pass-123456", limit)).rejects.toThrow(/current password/);
    await changeOwnPassword(db, user.id, "temporary-pass-9", "new-pass-123456", limit);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.mustChangePassword).toBe(false);
    expect(await verifyPassword(row.passwordHash, "new-pass-123456")).toBe(true);
    expect(row.sessionVersion).toBe(v0 + 3);
    expect(id).not.toBe(user.id);
  });
});
