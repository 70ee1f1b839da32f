// Reads the Vitest and Playwright JSON reports into one summary for `npm test`. A Playwright test
// that failed and then passed on its retry (CI retries once) is "flaky": it is counted, named and
// flagged in a WARNING line of its own, so it is seen and fixed. It does not fail the run unless
// TEST_FLAKY=fail: a browser test against a real-time cluster that fails once in many runs is a
// defect to mend, but it must not hide whether everything else works.

export type TestCounts = { passed: number; failed: number; flaky: number; skipped: number; flakyTitles: string[]; failedTitles: string[] };

export function emptyCounts(): TestCounts {
  return { passed: 0, failed: 0, flaky: 0, skipped: 0, flakyTitles: [], failedTitles: [] };
}

type VitestReport = { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };

export function addVitest(counts: TestCounts, report: VitestReport): void {
  counts.passed += report.numPassedTests;
  counts.failed += report.numFailedTests;
  counts.skipped += report.numPendingTests + report.numTodoTests;
}

type PlaywrightTest = { projectName?: string; status: "expected" | "unexpected" | "flaky" | "skipped" };
type PlaywrightSpec = { title: string; file?: string; tests: PlaywrightTest[] };
type PlaywrightSuite = { title: string; specs?: PlaywrightSpec[]; suites?: PlaywrightSuite[] };
export type PlaywrightReport = { suites?: PlaywrightSuite[]; stats: { expected: number; unexpected: number; flaky: number; skipped: number } };

export function addPlaywright(counts: TestCounts, report: PlaywrightReport): void {
  counts.passed += report.stats.expected;
  counts.failed += report.stats.unexpected;
  counts.flaky += report.stats.flaky;
  counts.skipped += report.stats.skipped;
  const walk = (suite: PlaywrightSuite, path: string[]) => {
    const here = suite.title ? [...path, suite.title] : path;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        const title = [...(test.projectName ? [`[${test.projectName}]`] : []), ...here, spec.title].join(" › ");
        if (test.status === "flaky") counts.flakyTitles.push(title);
        if (test.status === "unexpected") counts.failedTitles.push(title);
      }
    }
    for (const child of suite.suites ?? []) walk(child, here);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
}

/** The closing lines of `npm test`; `ok` is false when a stage failed, or a test was flaky and `flakyFails`. */
export function summarize(counts: TestCounts, failedStage: string | null, flakyFails = false): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  for (const title of counts.failedTitles) lines.push(`failed: ${title}`);
  for (const title of counts.flakyTitles) lines.push(`flaky (failed, then passed on retry): ${title}`);
  if (failedStage) lines.push(`FAILED at stage: ${failedStage}`);
  else if (counts.flaky > 0) {
    const tests = `${counts.flaky} flaky browser test${counts.flaky === 1 ? "" : "s"}`;
    lines.push(flakyFails ? `FAILED: ${tests}` : `All stages passed. WARNING: ${tests} (failed once, passed on retry): mend it`);
  } else lines.push("All stages passed.");
  lines.push(`total: ${counts.passed} passed, ${counts.failed} failed, ${counts.flaky} flaky, ${counts.skipped} skipped`);
  return { ok: failedStage === null && (counts.flaky === 0 || !flakyFails), lines };
}
