import { afterEach, beforeEach, expect, it } from "vitest";
import { createClusterRow } from "@/lib/testing/cluster-row";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { readJobRows } from "./read-job-rows";

let db: PrismaClient;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ db, cleanup } = createTestDb());
  await createClusterRow(db, "c", "a@pve!b");
  await createClusterRow(db, "other", "a@pve!b");
});
afterEach(() => cleanup());

it("reads a cluster's job rows exactly as Prisma's findMany returns them", async () => {
  const base = { clusterId: "c", target: "pve2", schedule: "*/15", status: "ok" };
  await db.replicationJob.create({
    data: {
      ...base, id: "full", jobId: "100-0", vmid: 100, jobnum: 0, source: "pve1", rate: 12.5, comment: "db", disabled: true, removeJob: "local",
      lastSync: 1_790_000_000, lastTry: 1_790_000_010, nextSync: 1_790_000_900, duration: 3.25, failCount: 2, error: "boom", pid: 4242,
      stateNode: "pve1", stateReadAt: new Date("2026-11-29T06:00:00.123Z"), stateClusterTime: 1_790_000_020, statusMessage: "m", lagSeconds: 20,
      rpoSeconds: 1800, overRpoAt: 1_790_001_800, lateAt: 1_790_001_020, polledAt: 1_790_000_020, sampleAt: 1_790_000_020, sampleLag: 20,
      goneAt: new Date("2026-11-29T07:00:00Z"), unprotected: { create: { since: 1_789_999_000, fromNode: "pve1", toNode: "pve2" } },
    },
  });
  await db.replicationJob.create({ data: { ...base, id: "bare", jobId: "101-0", vmid: 101, jobnum: 0 } });
  await db.replicationJob.create({ data: { ...base, clusterId: "other", id: "elsewhere", jobId: "102-0", vmid: 102, jobnum: 0 } });

  const expected = await db.replicationJob.findMany({ where: { clusterId: "c" }, include: { unprotected: { select: { since: true } } }, orderBy: { id: "asc" } });
  const rows = (await readJobRows(db, "c")).sort((a, b) => a.id.localeCompare(b.id));
  expect(rows).toEqual(expected);
  expect(rows.map((r) => r.id)).toEqual(["bare", "full"]);
});
