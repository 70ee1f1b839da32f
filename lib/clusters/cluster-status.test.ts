import { describe, expect, it } from "vitest";
import { clusterStatus, errorKindTitle } from "./cluster-status";

const base = { enabled: true, lastErrorKind: null, lastPollOkAt: "2026-01-01T00:00:00Z" };

describe("clusterStatus", () => {
  it.each([
    [{ ...base, removed: true, lastErrorKind: "timeout" }, "unknown", "Removed, history kept"],
    [{ ...base, enabled: false, lastErrorKind: "auth" }, "unknown", "Disabled"],
    [{ ...base, lastErrorKind: "partial" }, "warn", "Some nodes did not answer"],
    [{ ...base, lastErrorKind: "certificate" }, "fail", "Certificate changed: connection stopped"],
    [{ ...base, lastErrorKind: "something-new" }, "fail", "Last poll failed"],
    [base, "ok", "Connected"],
    [{ ...base, lastPollOkAt: null }, "unknown", "Waiting for first poll"],
  ])("%o is %s: %s", (input, tone, label) => {
    expect(clusterStatus(input)).toEqual({ tone, label });
  });

  it("names an unknown or missing kind as a failed poll", () => {
    expect(errorKindTitle(null)).toBe("Last poll failed");
    expect(errorKindTitle("timeout")).toBe("Timed out");
  });
});
