import { afterEach, beforeEach, expect, it } from "vitest";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { createClusterRow } from "@/lib/testing/cluster-row";
import { acquireLease, releaseLease } from "./lease";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ db, cleanup } = createTestDb());
  await createClusterRow(db, "c1");
});
afterEach(() => cleanup());

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

it("lets one holder poll a cluster until its lease expires", async () => {
  expect(await acquireLease(db, "c1", "app-a", 30_000, t(0))).toBe(true);
  expect(await acquireLease(db, "c1", "app-b", 30_000, t(10))).toBe(false);
  expect(await acquireLease(db, "c1", "app-a", 30_000, t(20))).toBe(true); // renewal
  expect(await acquireLease(db, "c1", "app-b", 30_000, t(45))).toBe(false); // renewed until 50
  expect(await acquireLease(db, "c1", "app-b", 30_000, t(51))).toBe(true); // a dead holder's lease lapses
});

it("gives the lease to exactly one of two simultaneous pollers", async () => {
  const results = await Promise.all([acquireLease(db, "c1", "app-a", 30_000, t(0)), acquireLease(db, "c1", "app-b", 30_000, t(0))]);
  expect(results.filter(Boolean)).toHaveLength(1);
});

it("frees the lease on release, but only the holder's", async () => {
  await acquireLease(db, "c1", "app-a", 30_000, t(0));
  await releaseLease(db, "c1", "app-b");
  expect(await acquireLease(db, "c1", "app-b", 30_000, t(1))).toBe(false);
  await releaseLease(db, "c1", "app-a");
  expect(await acquireLease(db, "c1", "app-b", 30_000, t(2))).toBe(true);
});
