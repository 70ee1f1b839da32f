import { describe, expect, it } from "vitest";
import { addPlaywright, addVitest, emptyCounts, summarize, type PlaywrightReport } from "./test-summary";

const report: PlaywrightReport = {
  stats: { expected: 2, unexpected: 0, flaky: 1, skipped: 0 },
  suites: [
    {
      title: "replication.spec.ts",
      specs: [
        { title: "the overview lists every job", tests: [{ projectName: "app", status: "expected" }] },
        { title: "an operator adds a job", tests: [{ projectName: "app", status: "flaky" }] },
      ],
      suites: [{ title: "health", specs: [{ title: "answers", tests: [{ projectName: "app", status: "expected" }] }] }],
    },
  ],
};

describe("the npm test summary", () => {
  it("counts a flaky browser test as flaky, names it and warns, failing the run only when asked to", () => {
    const counts = emptyCounts();
    addVitest(counts, { numPassedTests: 10, numFailedTests: 0, numPendingTests: 1, numTodoTests: 0 });
    addPlaywright(counts, report);
    expect(counts).toMatchObject({ passed: 12, failed: 0, flaky: 1, skipped: 1 });
    const summary = summarize(counts, null);
    expect(summary.ok).toBe(true);
    expect(summary.lines).toContain("flaky (failed, then passed on retry): [app] › replication.spec.ts › an operator adds a job");
    expect(summary.lines).toContain("All stages passed. WARNING: 1 flaky browser test (failed once, passed on retry): mend it");
    expect(summary.lines.at(-1)).toBe("total: 12 passed, 0 failed, 1 flaky, 1 skipped");

    const strict = summarize(counts, null, true);
    expect(strict.ok).toBe(false);
    expect(strict.lines).toContain("FAILED: 1 flaky browser test");
  });

  it("passes when every test passed the first time", () => {
    const counts = emptyCounts();
    addPlaywright(counts, { ...report, stats: { expected: 3, unexpected: 0, flaky: 0, skipped: 0 }, suites: [] });
    expect(summarize(counts, null)).toEqual({ ok: true, lines: ["All stages passed.", "total: 3 passed, 0 failed, 0 flaky, 0 skipped"] });
  });

  it("names failed tests and the failed stage", () => {
    const counts = emptyCounts();
    addPlaywright(counts, { stats: { expected: 0, unexpected: 1, flaky: 0, skipped: 0 }, suites: [{ title: "a.spec.ts", specs: [{ title: "x", tests: [{ status: "unexpected" }] }] }] });
    expect(summarize(counts, "browser tests").lines).toEqual(["failed: a.spec.ts › x", "FAILED at stage: browser tests", "total: 0 passed, 1 failed, 0 flaky, 0 skipped"]);
  });
});
