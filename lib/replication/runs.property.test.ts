import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ABORTED_RUN_ERROR, detectRunEvents } from "./runs";
import type { JobSnapshot, RunEvent, RunFinishedEvent } from "./runs";

// A small model of one job's state file, written the way ReplicationState.pm writes it:
// record_job_start, record_sync_end (success only, pid still set), record_job_end; plus
// schedule_now, which zeroes last_try between runs.
type Outcome = "ok" | "failed" | "aborted";
type PlannedRun = { gap: number; duration: number; outcome: Outcome; scheduleNowAfter: boolean };
type TrueRun = { start: number; duration: number; outcome: Outcome; error: string | null; full: boolean };

function simulate(plan: PlannedRun[]): { states: JobSnapshot[]; runs: TrueRun[] } {
  let state: JobSnapshot = { id: "100-0", last_sync: 0, last_try: 0, fail_count: 0 };
  const states: JobSnapshot[] = [state];
  const runs: TrueRun[] = [];
  const write = (next: JobSnapshot) => {
    state = next;
    states.push(next);
  };
  let t = 1_700_000_000;
  plan.forEach((run, i) => {
    t += run.gap;
    const start = t;
    const full = state.last_sync === 0;
    write({ ...state, pid: 1000 + i, last_try: start });
    const error = run.outcome === "failed" ? `error of run ${i}` : null;
    if (run.outcome === "ok") {
      write({ ...state, last_sync: start });
      const { error: _dropped, pid: _pid, ...rest } = state;
      write({ ...rest, fail_count: 0, duration: run.duration });
    } else if (run.outcome === "failed") {
      const { pid: _pid, ...rest } = state;
      write({ ...rest, fail_count: state.fail_count + 1, error: error ?? "", duration: run.duration });
    } else {
      const { pid: _pid, ...rest } = state;
      write(rest);
    }
    runs.push({ start, duration: run.duration, outcome: run.outcome, error, full: run.outcome === "ok" && full });
    t += Math.ceil(run.duration);
    if (run.scheduleNowAfter) write({ ...state, last_try: 0 });
  });
  return { states, runs };
}

const planArb = fc.array(
  fc.record({
    gap: fc.integer({ min: 1, max: 3600 }),
    duration: fc.double({ min: 0.1, max: 600, noNaN: true }),
    outcome: fc.constantFrom<Outcome>("ok", "ok", "failed", "aborted"),
    scheduleNowAfter: fc.boolean(),
  }),
  { maxLength: 25 },
);

function poll(states: JobSnapshot[]): RunEvent[] {
  const events: RunEvent[] = [];
  let previous: JobSnapshot | undefined;
  for (const current of states) {
    events.push(...detectRunEvents(previous, current));
    previous = current;
  }
  return events;
}

function finishedByStart(events: RunEvent[]): Map<number, RunFinishedEvent> {
  const byStart = new Map<number, RunFinishedEvent>();
  for (const e of events) if (e.type === "run-finished") byStart.set(e.start, e);
  return byStart;
}

describe("detectRunEvents against a model of the state file", () => {
  it("is idempotent: the same snapshot twice yields nothing", () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        for (const s of simulate(plan).states) expect(detectRunEvents(s, s)).toEqual([]);
      }),
    );
  });

  it("polling every state write recovers every run exactly", () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const { states, runs } = simulate(plan);
        const finished = finishedByStart(poll(states));
        expect([...finished.keys()]).toEqual(runs.map((r) => r.start));
        for (const run of runs) {
          const event = finished.get(run.start);
          expect(event?.outcome).toBe(run.outcome === "ok" ? "ok" : "failed");
          if (run.outcome === "failed") expect(event).toMatchObject({ error: run.error, durationSeconds: run.duration });
          if (run.outcome === "aborted") expect(event).toMatchObject({ error: ABORTED_RUN_ERROR, durationSeconds: null });
          if (run.outcome === "ok") expect(event?.syncKind).not.toBe(run.full ? "incremental" : "full");
        }
      }),
    );
  });

  it("sparse polling never invents a run nor misreports a known outcome", () => {
    fc.assert(
      fc.property(planArb, fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }), (plan, keep) => {
        const { states, runs } = simulate(plan);
        const sampled = states.filter((_, i) => keep[i % keep.length]);
        const events = poll(sampled);
        const truth = new Map(runs.map((r) => [r.start, r]));
        const started = new Set<number>();
        for (const event of events) {
          const run = truth.get(event.start);
          expect(run).toBeDefined();
          if (event.type === "run-started") {
            started.add(event.start);
            continue;
          }
          expect(started.has(event.start)).toBe(true);
          if (event.outcome === "ok") expect(run?.outcome).toBe("ok");
          if (event.outcome === "failed") expect(run?.outcome).not.toBe("ok");
          if (event.syncKind === "incremental") expect(run?.full).toBe(false);
        }
      }),
    );
  });
});
