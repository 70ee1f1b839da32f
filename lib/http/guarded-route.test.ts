import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { UserError, type SessionUser } from "@/lib/auth/users";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";

// The session and the database are the route's dependencies; everything else is the real code.
const state = vi.hoisted(() => ({ user: null as SessionUser | null, db: null as unknown }));
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => state.user, requestAddress: async () => "192.0.2.1" }));
vi.mock("@/lib/db/app-db", () => ({ getDb: () => state.db }));

const { guardedRoute, isSameOrigin } = await import("./guarded-route");
const { readRoute } = await import("./read-guard");

const viewer: SessionUser = { id: "u1", email: "v@example.com", name: "V", role: "viewer", mustChangePassword: false };
const admin: SessionUser = { ...viewer, id: "u2", email: "a@example.com", role: "admin" };
let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ db, cleanup } = createTestDb());
  state.db = db;
  for (const u of [viewer, admin]) await db.user.create({ data: { id: u.id, email: u.email, name: u.name, role: u.role, passwordHash: "x" } });
});
afterEach(() => cleanup());

const ctx = { params: Promise.resolve({ userId: "x" }) };
const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request("http://127.0.0.1:3000/api/users", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

const handler = vi.fn(async ({ body }: { body: { name: string } }) => {
  if (body.name === "taken") throw new UserError("That name is taken.");
  return { status: 201, data: { ok: true }, audit: { target: { type: "user", id: body.name } } };
});
const route = guardedRoute({ permission: "user.manage", action: "user.create", body: z.object({ name: z.string().min(1) }) }, handler);
const audits = () => db.auditEvent.findMany({ orderBy: { at: "asc" } });

describe("guardedRoute", () => {
  beforeEach(() => {
    handler.mockClear();
  });

  it("refuses a cross-site request before looking at the session", async () => {
    state.user = admin;
    const response = await route(post({ name: "n" }, { origin: "https://evil.example" }), ctx);
    expect(response.status).toBe(403);
    expect(handler).not.toHaveBeenCalled();
  });

  it("answers 401 without a session", async () => {
    state.user = null;
    expect((await route(post({ name: "n" }), ctx)).status).toBe(401);
  });

  it("answers 403 and audits the denial when the role lacks the permission", async () => {
    state.user = viewer;
    expect((await route(post({ name: "n" }), ctx)).status).toBe(403);
    expect(handler).not.toHaveBeenCalled();
    expect((await audits()).map((a) => [a.action, a.outcome, a.actorLabel, a.ip])).toEqual([["user.create", "denied", "v@example.com", "192.0.2.1"]]);
  });

  it("sends a user who must change their password there first", async () => {
    state.user = { ...admin, mustChangePassword: true };
    const response = await route(post({ name: "n" }), ctx);
    expect([response.status, await response.json()]).toEqual([403, { error: "Change your password first." }]);
  });

  it("answers 400 with field errors for a bad body, without running the handler", async () => {
    state.user = admin;
    const response = await route(post({ name: "" }), ctx);
    expect(response.status).toBe(400);
    expect((await response.json()).fieldErrors.name).toBeDefined();
    expect(handler).not.toHaveBeenCalled();
  });

  it("runs the handler and audits the success; a UserError is 409 and audited as a failure", async () => {
    state.user = admin;
    const ok = await route(post({ name: "new" }), ctx);
    expect(ok.status).toBe(201);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const taken = await route(post({ name: "taken" }), ctx);
    expect([taken.status, await taken.json()]).toEqual([409, { error: "That name is taken." }]);
    expect((await audits()).map((a) => [a.outcome, a.targetId])).toEqual([
      ["success", "new"],
      ["failure", null],
    ]);
  });
});

describe("readRoute", () => {
  const read = readRoute("audit.read", async ({ url }) => ({ data: { q: url.searchParams.get("q") } }));
  const get = () => new Request("http://127.0.0.1:3000/api/audit?q=1");

  it("answers 401 without a session, 403 without the permission or before a forced password change", async () => {
    state.user = null;
    expect((await read(get(), ctx)).status).toBe(401);
    state.user = viewer;
    expect((await read(get(), ctx)).status).toBe(403);
    state.user = { ...admin, mustChangePassword: true };
    expect((await read(get(), ctx)).status).toBe(403);
  });

  it("hands the handler the URL and answers its data, audited by nobody", async () => {
    state.user = admin;
    const response = await read(get(), ctx);
    expect([response.status, await response.json()]).toEqual([200, { q: "1" }]);
    expect(await db.auditEvent.count()).toBe(0);
  });
});

describe("origin check", () => {
  const env = { appUrl: "https://standby.example.com", TRUST_PROXY: false };
  const req = (headers: Record<string, string>) => new Request("http://127.0.0.1:3000/api/x", { method: "POST", headers });

  it("accepts APP_URL's origin, the request's own host, and requests without Origin", () => {
    expect(isSameOrigin(req({ origin: "https://standby.example.com" }), env)).toBe(true);
    expect(isSameOrigin(req({ origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }), env)).toBe(true);
    expect(isSameOrigin(req({}), env)).toBe(true);
  });

  it("refuses other sites, and a forged X-Forwarded-Host when no proxy is trusted", () => {
    expect(isSameOrigin(req({ origin: "https://evil.example", host: "127.0.0.1:3000" }), env)).toBe(false);
    expect(isSameOrigin(req({ origin: "https://evil.example", host: "127.0.0.1:3000", "x-forwarded-host": "evil.example" }), env)).toBe(false);
    expect(isSameOrigin(req({ origin: "null" }), env)).toBe(false);
  });

  it("believes X-Forwarded-Host behind a trusted proxy", () => {
    const proxied = req({ origin: "https://alias.example.com", host: "127.0.0.1:3000", "x-forwarded-host": "alias.example.com" });
    expect(isSameOrigin(proxied, { ...env, TRUST_PROXY: true })).toBe(true);
  });
});
