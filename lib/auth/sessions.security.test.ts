// Sessions that end: sign-out ends the session on the server, an absolute lifetime that no
// refresh extends, an idle timeout, and a post-sign-in redirect that stays on this origin.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import { decode } from "next-auth/jwt";
import { applyMigrations } from "@/lib/db/migrate";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { safeCallbackPath } from "./safe-redirect";
import { checkSession, endSession, startSession, touchSession } from "./user-sessions";

const limits = { maxAgeHours: 12, idleMinutes: 60 };
const t0 = new Date("2026-11-26T10:00:00Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe("session rows", () => {
  let db: PrismaClient;
  let cleanup: () => Promise<void>;
  let userId: string;
  beforeEach(async () => {
    ({ db, cleanup } = createTestDb());
    ({ id: userId } = await db.user.create({ data: { email: "a@example.com", name: "A", role: "admin", passwordHash: "x" } }));
  });
  afterEach(() => cleanup());

  it("a signed-out session is refused even though its token has not expired", async () => {
    const s = await startSession(db, userId, limits, t0);
    expect(await checkSession(db, s.id, userId, limits, at(1))).toEqual({ ok: true });
    await endSession(db, s.id, "signed-out", at(2));
    expect(await checkSession(db, s.id, userId, limits, at(3))).toEqual({ ok: false, reason: "ended" });
  });

  it("ends at the absolute lifetime from sign-in, however active the user stays", async () => {
    const s = await startSession(db, userId, limits, t0);
    for (let m = 30; m < 12 * 60; m += 30) {
      await touchSession(db, s.id, at(m));
      expect(await checkSession(db, s.id, userId, limits, at(m))).toEqual({ ok: true });
    }
    expect(await checkSession(db, s.id, userId, limits, at(12 * 60))).toEqual({ ok: false, reason: "expired" });
    expect((await db.userSession.findUniqueOrThrow({ where: { id: s.id } })).expiresAt).toEqual(at(12 * 60));
  });

  it("ends after the idle timeout without use, and activity restarts the idle clock", async () => {
    const s = await startSession(db, userId, limits, t0);
    await touchSession(db, s.id, at(50));
    expect(await checkSession(db, s.id, userId, limits, at(100))).toEqual({ ok: true });
    expect(await checkSession(db, s.id, userId, limits, at(110))).toEqual({ ok: false, reason: "idle" });
  });

  it("refuses a session id that is unknown or belongs to another user", async () => {
    const s = await startSession(db, userId, limits, t0);
    expect(await checkSession(db, s.id, "someone-else", limits, at(1))).toEqual({ ok: false, reason: "unknown" });
    expect(await checkSession(db, undefined, userId, limits, at(1))).toEqual({ ok: false, reason: "unknown" });
  });
});

describe("next-auth wiring", () => {
  // getAuthOptions reads the environment and the app database: give it a throwaway data folder.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-sessions-"));
  beforeAll(() => {
    process.env.DATA_DIR = dataDir;
    applyMigrations(path.join(dataDir, "pve-standby.db"), path.join(process.cwd(), "prisma", "migrations"));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function signedInToken() {
    const { getAuthOptions } = await import("./options");
    const { getDb } = await import("@/lib/db/app-db");
    const options = getAuthOptions();
    const user = await getDb().user.create({ data: { email: `u${Date.now()}@example.com`, name: "U", role: "viewer", passwordHash: "x" } });
    const token = await options.callbacks!.jwt!({ token: { sub: user.id }, user: { ...user, role: "viewer", sessionVersion: 0 }, account: null });
    return { options, token, db: getDb() };
  }

  it("sign-out ends the session, so a copied token is refused afterwards", async () => {
    const { options, token } = await signedInToken();
    await expect(options.callbacks!.jwt!({ token, user: undefined as never, account: null })).resolves.toMatchObject({ sid: token.sid });
    await options.events!.signOut!({ token, session: undefined as never });
    await expect(options.callbacks!.jwt!({ token, user: undefined as never, account: null })).rejects.toThrow(/session ended/);
  });

  it("a refreshed token never outlives the session's absolute end", async () => {
    const { options, token } = await signedInToken();
    const soon = Math.floor(Date.now() / 1000) + 120;
    const encoded = await options.jwt!.encode!({ token: { ...token, sessionEnd: soon }, secret: options.secret!, maxAge: 12 * 3600 });
    const decoded = await decode({ token: encoded, secret: options.secret! });
    expect(decoded?.exp).toBeLessThanOrEqual(soon);
  });
});

describe("post-sign-in redirect", () => {
  const app = "http://127.0.0.1:3000";
  it("keeps same-origin paths with their query", () => {
    expect(safeCallbackPath("/clusters?x=1#y", app)).toBe("/clusters?x=1#y");
    expect(safeCallbackPath("http://127.0.0.1:3000/audit", app)).toBe("/audit");
  });

  it("refuses anything the browser would resolve to another host", () => {
    for (const evil of ["/\\evil.example", "//evil.example", "https://evil.example/", "\\\\evil.example", "javascript:alert(1)", "/\t/evil.example"]) {
      expect(safeCallbackPath(evil, app), evil).toBe("/");
    }
  });

  it("never returns a protocol-relative path", () => {
    expect(safeCallbackPath("/.//evil.example", app)).toBe("/evil.example");
  });
});
