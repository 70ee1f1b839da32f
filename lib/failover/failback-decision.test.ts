import { describe, expect, it } from "vitest";
import { readFailbackDecision } from "./failback-types";

// Where a failback choice is read from: the decide step's decision column, or (operations stored
// before it) the preserve or decide step's result.

const step = (kind: string, decision: unknown, result: Record<string, unknown> = {}) => ({ kind, decision: decision === null ? null : JSON.stringify(decision), result: JSON.stringify(result) });
const stored = { choice: "discard", by: "sam@example.com", byId: "user-2", at: "2026-11-29T10:00:00.000Z" };

describe("reading a failback choice", () => {
  it("is null while no one chose", () => {
    expect(readFailbackDecision([step("failback-decide", null, { commands: [] }), step("failback-preserve", null)])).toBeNull();
  });

  it("reads the decide step's decision column", () => {
    expect(readFailbackDecision([step("failback-decide", stored), step("failback-preserve", null)])).toEqual(stored);
  });

  it("reads a choice stored the old way in the preserve step's result, then in the decide step's, with its time in seconds", () => {
    const old = { choice: "keep", by: "olivia@example.com", at: 1_795_000_000 };
    const expected = { choice: "keep", by: "olivia@example.com", byId: null, at: new Date(1_795_000_000_000).toISOString() };
    expect(readFailbackDecision([step("failback-decide", null), step("failback-preserve", null, { decision: old })])).toEqual(expected);
    expect(readFailbackDecision([step("failback-decide", null, { decision: old, commands: [] }), step("failback-preserve", null)])).toEqual(expected);
  });

  it("prefers the decision column over an old-format copy", () => {
    const old = { choice: "keep", by: "olivia@example.com", at: 1 };
    expect(readFailbackDecision([step("failback-decide", stored), step("failback-preserve", null, { decision: old })])?.choice).toBe("discard");
  });

  it("throws for a stored choice that does not parse, never reading it as no choice", () => {
    expect(() => readFailbackDecision([step("failback-decide", { choice: "maybe", by: "x", byId: null, at: "" })])).toThrow();
    expect(() => readFailbackDecision([step("failback-decide", null), step("failback-preserve", null, { decision: { choice: "keep" } })])).toThrow();
  });
});
