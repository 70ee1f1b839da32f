import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { computeRetryAt, deriveJobStatus } from "./status";
import type { JobStatusInput } from "./status";
import type { JobConfig, JobState } from "./types";

const NOW = 1_700_000_000;
const CONFIG: JobConfig = { id: "100-0", guest: 100, jobnum: 0, target: "pve2", source: "pve1", schedule: "*/15" };
const HEALTHY: JobState = { last_sync: NOW - 300, last_try: NOW - 300, next_sync: NOW + 600, fail_count: 0, duration: 2.5 };

function input(overrides: Partial<JobStatusInput> = {}, state: Partial<JobState> = {}): JobStatusInput {
  return {
    config: CONFIG,
    state: { ...HEALTHY, ...state },
    ownerReadable: true,
    stateReadAt: NOW,
    targetOnline: true,
    now: NOW,
    rpoSeconds: 1800,
    ...overrides,
  };
}

describe("deriveJobStatus", () => {
  it.each<[string, JobStatusInput, string]>([
    ["healthy", input(), "ok"],
    ["pending within grace", input({}, { next_sync: NOW - 60 }), "ok"],
    ["pending past grace", input({}, { next_sync: NOW - 600 }), "late"],
    ["lag over RPO", input({ rpoSeconds: 200 }), "late"],
    ["schedule_now reset last_try", input({}, { last_try: 0, next_sync: 900 }), "ok"],
    ["running", input({}, { pid: 4242, last_try: NOW - 20 }), "syncing"],
    ["initial sync running", input({}, { pid: 4242, last_sync: 0, last_try: NOW - 20 }), "syncing"],
    ["new job", input({}, { last_sync: 0, last_try: 0, next_sync: 900 }), "never-synced"],
    ["failing", input({}, { fail_count: 2, error: "ssh failed", last_try: NOW - 60, next_sync: NOW + 540 }), "failing"],
    ["failing, target offline (next_sync 0)", input({}, { fail_count: 2, error: "x", next_sync: 0 }), "waiting-target"],
    ["target known offline", input({ targetOnline: false }), "waiting-target"],
    ["target unknown does not imply offline", input({ targetOnline: null }), "ok"],
    ["disabled", input({ config: { ...CONFIG, disable: true } }, { fail_count: 3 }), "disabled"],
    ["removal beats disabled", input({ config: { ...CONFIG, disable: true, remove_job: "full" } }), "removal-scheduled"],
    ["owner unreadable", input({ ownerReadable: false, stateReadAt: NOW - 600 }, { pid: 1 }), "stale"],
    ["owner never read", input({ ownerReadable: false, state: null }), "stale"],
    ["readable owner, job not listed", input({ state: null }), "never-synced"],
    ["syncing beats failing", input({}, { pid: 9, fail_count: 4, error: "x" }), "syncing"],
    ["failing beats never-synced", input({}, { last_sync: 0, fail_count: 1, error: "x" }), "failing"],
  ])("%s", (_name, given, expected) => {
    expect(deriveJobStatus(given).status).toBe(expected);
  });

  it("reports lag on the cluster clock and flags it against the RPO", () => {
    expect(deriveJobStatus(input())).toMatchObject({ lagSeconds: 300, overRpo: false, nextSyncAt: NOW + 600 });
    expect(deriveJobStatus(input({ rpoSeconds: 299 }))).toMatchObject({ lagSeconds: 300, overRpo: true });
    expect(deriveJobStatus(input({}, { last_sync: NOW + 5 })).lagSeconds).toBe(0);
    expect(deriveJobStatus(input({ rpoSeconds: null }, { last_sync: NOW - 999_999 }))).toMatchObject({ status: "ok", overRpo: false });
  });

  it("retries a failing job on the 5/10/15/30-minute ladder (replication_test4)", () => {
    expect([1, 2, 3, 4, 5].map((n) => computeRetryAt(1000, n) - 1000)).toEqual([300, 600, 900, 1800, 1800]);
    const failing = deriveJobStatus(input({}, { fail_count: 3, last_try: NOW - 100, next_sync: NOW - 100 + 900, error: "boom\nmore" }));
    expect(failing).toMatchObject({ status: "failing", nextRetryAt: NOW + 800 });
    expect(failing.message).toContain("boom;");
  });

  it("makes a failing job retried with schedule_now due now", () => {
    const status = deriveJobStatus(input({}, { fail_count: 4, last_try: 0, next_sync: 1800, error: "x" }));
    expect(status).toMatchObject({ status: "failing", nextRetryAt: NOW });
    expect(status.message).toContain("retry due now");
  });

  it("prefers a later node next_sync over the computed retry", () => {
    const status = deriveJobStatus(input({}, { fail_count: 1, last_try: NOW - 60, next_sync: NOW + 3600 }));
    expect(status.nextRetryAt).toBe(NOW + 3600);
  });

  it("does not report a next sync in 1970 for a job that is due now", () => {
    const fresh = deriveJobStatus(input({}, { last_sync: 0, last_try: 0, next_sync: 900 }));
    expect(fresh).toMatchObject({ status: "never-synced", nextSyncAt: null, message: "Initial full sync pending; run due now" });
  });

  it("says how old stale values are and keeps the last known lag", () => {
    const stale = deriveJobStatus(input({ ownerReadable: false, stateReadAt: NOW - 720 }));
    expect(stale).toMatchObject({ status: "stale", staleSeconds: 720, lagSeconds: 300 });
    expect(stale.message).toBe("Owner node pve1 cannot be read; values from 12m ago, last sync 5m ago");
  });

  it("writes messages operators can read", () => {
    expect(deriveJobStatus(input()).message).toBe("Last sync 5m ago; next run in 10m");
    expect(deriveJobStatus(input({ config: { ...CONFIG, remove_job: "local" } })).message).toBe(
      "Removal scheduled, keeping the replica on pve2",
    );
    expect(deriveJobStatus(input({}, { fail_count: 2, next_sync: 0 })).message).toContain("does not retry until it is back");
  });
});

const stateArb: fc.Arbitrary<JobState> = fc.record({
  last_sync: fc.oneof(fc.constant(0), fc.integer({ min: NOW - 200_000, max: NOW })),
  last_try: fc.oneof(fc.constant(0), fc.integer({ min: NOW - 200_000, max: NOW })),
  next_sync: fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: NOW - 10_000, max: NOW + 10_000 })),
  fail_count: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200 })),
  error: fc.option(fc.string(), { nil: undefined }),
  pid: fc.option(fc.integer({ min: 1, max: 99_999 }), { nil: undefined }),
});

const inputArb: fc.Arbitrary<JobStatusInput> = fc.record({
  config: fc.record({
    id: fc.constant("100-0"),
    guest: fc.constant(100),
    jobnum: fc.constant(0),
    target: fc.constant("pve2"),
    disable: fc.option(fc.boolean(), { nil: undefined }),
    remove_job: fc.option(fc.constantFrom("local" as const, "full" as const), { nil: undefined }),
  }),
  state: fc.option(stateArb, { nil: null }),
  ownerReadable: fc.boolean(),
  stateReadAt: fc.option(fc.integer({ min: NOW - 10_000, max: NOW }), { nil: null }),
  targetOnline: fc.option(fc.boolean(), { nil: null }),
  now: fc.constant(NOW),
  rpoSeconds: fc.option(fc.integer({ min: 60, max: 100_000 }), { nil: null }),
});

describe("deriveJobStatus precedence (properties)", () => {
  it("config flags win over any state", () => {
    fc.assert(
      fc.property(inputArb, (given) => {
        const { status } = deriveJobStatus(given);
        if (given.config.remove_job) expect(status).toBe("removal-scheduled");
        else if (given.config.disable) expect(status).toBe("disabled");
        else if (!given.ownerReadable) expect(status).toBe("stale");
      }),
    );
  });

  it("a status never contradicts the state it was derived from", () => {
    fc.assert(
      fc.property(inputArb, (given) => {
        const derived = deriveJobStatus(given);
        const state = given.state;
        const rpo = given.rpoSeconds;
        expect(derived.overRpo).toBe(derived.lagSeconds !== null && rpo !== null && derived.lagSeconds > rpo);
        expect(derived.nextRetryAt !== null).toBe(derived.status === "failing");
        expect(derived.staleSeconds === null || derived.status === "stale").toBe(true);
        if (derived.status === "ok") {
          expect(derived.overRpo).toBe(false);
          expect(state?.fail_count).toBe(0);
          expect(state?.pid).toBeUndefined();
          expect(state?.last_sync).toBeGreaterThan(0);
        }
        if (derived.status === "syncing") expect(state?.pid).toBeDefined();
        // After schedule_now (last_try 0) the retry is due at once, whatever next_sync says.
        if (derived.status === "failing" && state?.last_try === 0) expect(derived.nextRetryAt).toBe(given.now);
        else if (derived.status === "failing") expect(derived.nextRetryAt).toBeGreaterThanOrEqual(state?.next_sync ?? 0);
        expect(derived.message.length).toBeGreaterThan(0);
      }),
    );
  });

  it("running beats every state-derived status except the config flags and staleness", () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: 99_999 }), (given, pid) => {
        const state = given.state ?? { last_sync: 0, last_try: 0, next_sync: 0, fail_count: 0 };
        const derived = deriveJobStatus({ ...given, state: { ...state, pid } });
        expect(["removal-scheduled", "disabled", "stale", "syncing"]).toContain(derived.status);
      }),
    );
  });
});
