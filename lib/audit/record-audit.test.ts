import { afterEach, beforeEach, expect, it } from "vitest";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { auditFilterSchema, listAuditEvents } from "./queries";
import { recordAudit } from "./record-audit";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(() => ({ db, cleanup } = createTestDb()));
afterEach(() => cleanup());

const actor = { id: null, label: "ops@example.com", type: "anonymous" as const };

it("redacts secret-looking keys at any depth", async () => {
  await recordAudit(db, { actor, action: "user.create", outcome: "success", details: { after: { email: "a@b.c", password: "hunter2", nested: [{ tokenSecret: "s" }] } } });
  const row = await db.auditEvent.findFirstOrThrow();
  expect(row.details).not.toContain("hunter2");
  expect(JSON.parse(row.details)).toEqual({ after: { email: "a@b.c", password: "[redacted]", nested: [{ tokenSecret: "[redacted]" }] } });
});

it("refuses an action that is not in the closed list", async () => {
  await expect(recordAudit(db, { actor, action: "user.delete_everything" as never, outcome: "success" })).rejects.toThrow();
});

it("filters and pages newest first without skipping or repeating rows", async () => {
  for (let i = 0; i < 7; i++) {
    await recordAudit(db, { actor: { ...actor, label: i % 2 ? "odd@example.com" : "even@example.com" }, action: i < 5 ? "auth.signin" : "user.update", outcome: "success", at: new Date(Date.UTC(2026, 0, 1, 0, i)) });
  }
  const first = await listAuditEvents(db, { action: "auth." }, 2);
  const second = await listAuditEvents(db, { action: "auth.", cursor: first.nextCursor }, 2);
  const third = await listAuditEvents(db, { action: "auth.", cursor: second.nextCursor }, 2);
  const minutesSeen = [...first.events, ...second.events, ...third.events].map((e) => e.at.getUTCMinutes());
  expect(minutesSeen).toEqual([4, 3, 2, 1, 0]);
  expect(third.nextCursor).toBeUndefined();
  expect((await listAuditEvents(db, { actor: "odd@" })).events).toHaveLength(3);
  expect(auditFilterSchema.safeParse({ from: "yesterday" }).success).toBe(false);
  expect((await listAuditEvents(db, auditFilterSchema.parse({ from: "2026-01-01T00:05" }))).events).toHaveLength(2);
});
