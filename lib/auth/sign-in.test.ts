import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { formatRetryMessage } from "./messages";
import { createFirstAdmin } from "./setup";
import { authenticate } from "./sign-in";
import { updateUser } from "./users";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(() => ({ db, cleanup } = createTestDb()));
afterEach(() => cleanup());

const limits = { perAccount: 5, perAddress: 20, windowMinutes: 15 };
const t0 = new Date("2026-11-26T10:00:00Z");
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);
const account = { email: "ada@example.com", name: "Ada", password: "ada-password-1" };

describe("authenticate", () => {
  it("accepts the right password case-insensitively on the email and audits it", async () => {
    await createFirstAdmin(db, account);
    const result = await authenticate(db, { email: " ADA@example.com", password: account.password, ip: "10.0.0.1" }, limits, t0);
    expect(result.ok).toBe(true);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "auth.signin" } });
    expect([audit.outcome, audit.ip, audit.actorLabel]).toEqual(["success", "10.0.0.1", "ada@example.com"]);
  });

  it("answers the same for an unknown account, a wrong password and a disabled account", async () => {
    const { id } = await createFirstAdmin(db, account);
    const unknown = await authenticate(db, { email: "nobody@example.com", password: "x", ip: "1.1.1.1" }, limits, t0);
    const wrong = await authenticate(db, { email: account.email, password: "wrong", ip: "1.1.1.1" }, limits, t0);
    await db.user.create({ data: { email: "b@example.com", name: "B", role: "admin", passwordHash: "x" } });
    await updateUser(db, id, { disabled: true });
    const disabled = await authenticate(db, { email: account.email, password: account.password, ip: "1.1.1.1" }, limits, t0);
    expect([unknown, wrong, disabled]).toEqual([{ ok: false, reason: "invalid" }, { ok: false, reason: "invalid" }, { ok: false, reason: "invalid" }]);
    const reasons = (await db.auditEvent.findMany({ where: { outcome: "failure" }, orderBy: { at: "asc" } })).map((e) => JSON.parse(e.details).reason);
    expect(reasons).toEqual(["unknown-account", "wrong-password", "account-disabled"]);
  });

  it("locks an account after 5 failures in 15 minutes, even for the right password, until the window passes", async () => {
    await createFirstAdmin(db, account);
    for (let i = 0; i < 5; i++) await authenticate(db, { email: account.email, password: "wrong", ip: "1.1.1.1" }, limits, minutes(i));
    const locked = await authenticate(db, { email: account.email, password: account.password, ip: "2.2.2.2" }, limits, minutes(5));
    expect(locked).toEqual({ ok: false, reason: "locked", retryAt: minutes(15) });
    expect(formatRetryMessage(minutes(15), minutes(5))).toBe("Too many failed sign-ins. Try again in 10 minutes (at 10:15 UTC).");
    const later = await authenticate(db, { email: account.email, password: account.password, ip: "2.2.2.2" }, limits, minutes(15));
    expect(later.ok).toBe(true);
  });

  it("limits one address across many accounts", async () => {
    for (let i = 0; i < 20; i++) await authenticate(db, { email: `u${i}@example.com`, password: "x", ip: "6.6.6.6" }, { ...limits, perAccount: 100 }, minutes(0));
    const next = await authenticate(db, { email: "fresh@example.com", password: "x", ip: "6.6.6.6" }, limits, minutes(1));
    expect(next).toMatchObject({ ok: false, reason: "locked" });
    const other = await authenticate(db, { email: "fresh@example.com", password: "x", ip: "7.7.7.7" }, limits, minutes(1));
    expect(other).toEqual({ ok: false, reason: "invalid" });
  });

  it("clears the account's failures after a successful sign-in", async () => {
    await createFirstAdmin(db, account);
    for (let i = 0; i < 4; i++) await authenticate(db, { email: account.email, password: "wrong", ip: "1.1.1.1" }, limits, minutes(i));
    expect((await authenticate(db, { email: account.email, password: account.password, ip: "1.1.1.1" }, limits, minutes(4))).ok).toBe(true);
    await authenticate(db, { email: account.email, password: "wrong", ip: "1.1.1.1" }, limits, minutes(5));
    expect((await authenticate(db, { email: account.email, password: account.password, ip: "1.1.1.1" }, limits, minutes(6))).ok).toBe(true);
  });
});
