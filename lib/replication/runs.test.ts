import { describe, expect, it } from "vitest";

import { ABORTED_RUN_ERROR, detectRunEvents, detectSyncKindFromLog, OVERWRITTEN_ERROR } from "./runs";
import type { JobSnapshot } from "./runs";

const T = 1_700_000_000;

function snap(fields: Partial<JobSnapshot> = {}): JobSnapshot {
  return { id: "100-0", last_sync: 0, last_try: 0, fail_count: 0, ...fields };
}

const synced = snap({ last_sync: T, last_try: T, duration: 3 });

describe("detectRunEvents", () => {
  it("reports a run seen running, then finishing", () => {
    const running = snap({ last_sync: T, last_try: T + 900, pid: 42, duration: 3 });
    expect(detectRunEvents(synced, running)).toEqual([{ type: "run-started", jobId: "100-0", start: T + 900 }]);
    const done = snap({ last_sync: T + 900, last_try: T + 900, duration: 4.5 });
    expect(detectRunEvents(running, done)).toEqual([
      {
        type: "run-finished",
        jobId: "100-0",
        start: T + 900,
        end: T + 904.5,
        durationSeconds: 4.5,
        outcome: "ok",
        error: null,
        syncKind: "incremental",
      },
    ]);
  });

  it("reports a whole run that started and finished between two polls", () => {
    const events = detectRunEvents(synced, snap({ last_sync: T + 900, last_try: T + 900, duration: 2 }));
    expect(events.map((e) => [e.type, e.start])).toEqual([
      ["run-started", T + 900],
      ["run-finished", T + 900],
    ]);
  });

  it("labels the first success of a job as full", () => {
    const fresh = snap();
    const [, finished] = detectRunEvents(fresh, snap({ last_sync: T, last_try: T, duration: 60 }));
    expect(finished).toMatchObject({ outcome: "ok", syncKind: "full" });
  });

  it("reports a failure with its error and duration", () => {
    const failed = snap({ last_sync: T, last_try: T + 900, fail_count: 1, error: "No common base", duration: 1.2 });
    expect(detectRunEvents(synced, failed)).toEqual([
      { type: "run-started", jobId: "100-0", start: T + 900 },
      {
        type: "run-finished",
        jobId: "100-0",
        start: T + 900,
        end: T + 901.2,
        durationSeconds: 1.2,
        outcome: "failed",
        error: "No common base",
        syncKind: "unknown",
      },
    ]);
  });

  it("reports a run whose process vanished as failed without stealing the old duration", () => {
    const failing = snap({ last_sync: T, last_try: T + 300, fail_count: 1, error: "x", duration: 9 });
    const aborted = snap({ ...failing, last_try: T + 900 });
    const [, finished] = detectRunEvents(failing, aborted);
    expect(finished).toMatchObject({ outcome: "failed", error: ABORTED_RUN_ERROR, durationSeconds: null });
  });

  it("records a run cut off by its node's death with that reason and the node's last answer as its end", () => {
    const running = snap({ last_sync: T, last_try: T + 900, pid: 42, duration: 3 });
    const lost = { node: "pve1", lastSeenAt: T + 905 };
    // The node came back: the attempt is still the latest, without pid and without a result.
    const [back] = detectRunEvents(running, snap({ last_sync: T, last_try: T + 900, duration: 3 }), lost);
    expect(back).toEqual({ type: "run-finished", jobId: "100-0", start: T + 900, end: T + 905, durationSeconds: null, outcome: "failed", error: "pve1 went offline during the run", syncKind: "unknown" });
    // HA recovered the guest elsewhere: its new node already tried again.
    const elsewhere = snap({ last_sync: T, last_try: T + 1200, fail_count: 1, error: "no common base", duration: 1 });
    const [cutOff] = detectRunEvents(running, elsewhere, lost);
    expect(cutOff).toMatchObject({ type: "run-finished", start: T + 900, end: T + 905, outcome: "failed", error: "pve1 went offline during the run" });
    // Without a node loss the superseded failure still says why its error is missing.
    expect(detectRunEvents(running, elsewhere)[0]).toMatchObject({ start: T + 900, outcome: "failed", error: OVERWRITTEN_ERROR, end: null });
    // An attempt started after the node's last answer, and left without a result, died with it.
    const idle = snap({ last_sync: T, last_try: T, duration: 3 });
    const [, diedUnseen] = detectRunEvents(idle, snap({ last_sync: T, last_try: T + 900, duration: 3 }), { node: "pve1", lastSeenAt: T + 850, answeredAgain: true });
    expect(diedUnseen).toMatchObject({ start: T + 900, end: T + 900, outcome: "failed", error: "pve1 went offline during the run" });
    // A run that finished with a result before the death keeps it.
    const done = snap({ last_sync: T + 900, last_try: T + 900, duration: 4 });
    expect(detectRunEvents(running, done, lost)[0]).toMatchObject({ outcome: "ok", end: T + 904 });
  });

  it("recovers a success hidden behind a later failure", () => {
    const current = snap({ last_sync: T + 900, last_try: T + 1800, fail_count: 1, error: "boom", duration: 1 });
    const events = detectRunEvents(synced, current);
    expect(events.map((e) => [e.type, e.start, e.type === "run-finished" ? e.outcome : null])).toEqual([
      ["run-started", T + 900, null],
      ["run-finished", T + 900, "ok"],
      ["run-started", T + 1800, null],
      ["run-finished", T + 1800, "failed"],
    ]);
  });

  it("does not finish a run whose last_sync was written before cleanup", () => {
    const running = snap({ last_sync: T, last_try: T + 900, pid: 42 });
    const cleaning = snap({ last_sync: T + 900, last_try: T + 900, pid: 42 });
    expect(detectRunEvents(running, cleaning)).toEqual([]);
    const [finished] = detectRunEvents(cleaning, snap({ last_sync: T + 900, last_try: T + 900, duration: 5 }));
    expect(finished).toMatchObject({ type: "run-finished", outcome: "ok", syncKind: "unknown", durationSeconds: 5 });
  });

  it("ignores schedule_now, which only resets last_try", () => {
    expect(detectRunEvents(synced, snap({ ...synced, last_try: 0 }))).toEqual([]);
  });

  it("on first observation reports a running sync or the last finished attempt, never more", () => {
    expect(detectRunEvents(undefined, snap())).toEqual([]);
    expect(detectRunEvents(undefined, snap({ last_sync: T, last_try: T + 900, pid: 1 }))).toEqual([
      { type: "run-started", jobId: "100-0", start: T + 900 },
    ]);
    const events = detectRunEvents(undefined, synced);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ start: T, outcome: "ok", syncKind: "unknown", durationSeconds: 3 });
    expect(detectRunEvents(undefined, snap({ last_sync: T, last_try: 0, duration: 3 }))[1]).toMatchObject({ start: T, outcome: "ok" });
  });
});

describe("detectSyncKindFromLog", () => {
  it.each([
    [["2023-11-14 22:15:01 100-0: full sync 'local-zfs:vm-100-disk-0' (__replicate_100-0_1700000100__)"], "full"],
    [["100-0: incremental sync 'local-zfs:vm-100-disk-0' (a => b)", "100-0: full sync 'local-zfs:vm-100-disk-1' (b)"], "full"],
    [["100-0: incremental sync 'local-zfs:vm-100-disk-0' (a => b)"], "incremental"],
    [["100-0: start replication job", "100-0: end replication job with error: boom"], "unknown"],
  ])("%j → %s", (lines, kind) => {
    expect(detectSyncKindFromLog(lines)).toBe(kind);
  });
});
