// Sign-in limits that cannot be dodged: counted before the password check, aggregated
// lock-out audit, setup checked before it hashes, the own-password check limited like sign-in.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import type * as PasswordModule from "./password";
import { hashPassword, verifyPassword } from "./password";

// A pass-through spy: the real argon2 hash runs, and the test can see whether it ran.
vi.mock("./password", async (importOriginal) => {
  const real = await importOriginal<typeof PasswordModule>();
  return { ...real, hashPassword: vi.fn(real.hashPassword) };
});
import { createFirstAdmin } from "./setup";
import { authenticate } from "./sign-in";
import { changeOwnPassword, UserError } from "./users";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(() => ({ db, cleanup } = createTestDb()));
afterEach(() => cleanup());

const limits = { perAccount: 5, perAddress: 100, windowMinutes: 15 };
const t0 = new Date("2026-11-26T10:00:00Z");
const account = { email: "ada@example.com", name: "Ada", password: "ada-password-1" };

describe("the per-account limit", () => {
  it("lets a burst of 50 parallel wrong passwords run at most 5 password verifications", async () => {
    await createFirstAdmin(db, account);
    let verifications = 0;
    const counted = async (hash: string, password: string) => {
      verifications++;
      return verifyPassword(hash, password);
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => authenticate(db, { email: account.email, password: `wrong-${i}`, ip: `10.0.0.${i}` }, limits, t0, counted)),
    );
    expect(verifications).toBeLessThanOrEqual(limits.perAccount);
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(verifications);
    expect(results.filter((r) => !r.ok && r.reason === "locked")).toHaveLength(50 - verifications);
  });

  it("writes one audit row per account and lock-out window, carrying the count of refused attempts", async () => {
    await createFirstAdmin(db, account);
    for (let i = 0; i < 5; i++) await authenticate(db, { email: account.email, password: "wrong", ip: "1.1.1.1" }, limits, t0);
    for (let i = 0; i < 30; i++) await authenticate(db, { email: account.email, password: "wrong", ip: `2.2.2.${i}` }, limits, new Date(t0.getTime() + i * 1000));
    const denied = await db.auditEvent.findMany({ where: { action: "auth.signin", outcome: "denied" } });
    expect(denied).toHaveLength(1);
    expect(JSON.parse(denied[0]!.details)).toMatchObject({ reason: "rate-limited", attempts: 30, lastIp: "2.2.2.29" });
    expect(await db.auditEvent.count({ where: { action: "auth.signin", outcome: "failure" } })).toBe(5);
  });
});

describe("first-run setup", () => {
  it("refuses before hashing once an account exists (no attempt is even counted)", async () => {
    await createFirstAdmin(db, account);
    const attemptsBefore = await db.loginAttempt.count();
    vi.mocked(hashPassword).mockClear();
    await expect(createFirstAdmin(db, { ...account, email: "late@example.com" }, { ip: "9.9.9.9", limits, now: t0 })).rejects.toThrow(
      "Setup is already complete",
    );
    expect(hashPassword).not.toHaveBeenCalled();
    expect(await db.loginAttempt.count()).toBe(attemptsBefore);
  });

  it("limits attempts per address", async () => {
    const tight = { ...limits, perAddress: 2 };
    const bad = { ...account, password: "x" };
    // Two attempts reserved (a hash that fails elsewhere still counts), then the address is locked.
    await db.loginAttempt.createMany({ data: [{ email: "", ip: "9.9.9.9", at: t0 }, { email: "", ip: "9.9.9.9", at: t0 }] });
    await expect(createFirstAdmin(db, bad, { ip: "9.9.9.9", limits: tight, now: t0 })).rejects.toThrow(/Too many setup attempts/);
    expect(await db.user.count()).toBe(0);
    await createFirstAdmin(db, account, { ip: "8.8.8.8", limits: tight, now: t0 });
    expect(await db.user.count()).toBe(1);
  });
});

describe("changing one's own password", () => {
  it("locks the current-password check after the sign-in limit, even for the right password", async () => {
    const { id } = await createFirstAdmin(db, account);
    const limit = { ip: "1.1.1.1", limits, now: t0 };
    for (let i = 0; i < 5; i++) {
      await expect(changeOwnPassword(db, id, `wrong-${i}`, "new-password-123", limit)).rejects.toThrow("Your current password is not correct.");
    }
    const locked = changeOwnPassword(db, id, account.password, "new-password-123", limit);
    await expect(locked).rejects.toBeInstanceOf(UserError);
    await expect(changeOwnPassword(db, id, account.password, "new-password-123", limit)).rejects.toThrow(/Too many wrong passwords/);
    // The same failures lock sign-in too: they are one account's password guesses.
    expect(await authenticate(db, { email: account.email, password: account.password, ip: "3.3.3.3" }, limits, t0)).toMatchObject({ reason: "locked" });
  });
});
