// npm test: typecheck, lint, unit + integration tests (Vitest), production build, browser tests
// (Playwright on Chromium). Stops at the first failing stage and ends with a summary that names
// failed and flaky browser tests; a flaky test is a warning, or fails the run with TEST_FLAKY=fail
// (scripts/lib/test-summary.ts).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { addPlaywright, addVitest, emptyCounts, summarize } from "./lib/test-summary";

const ROOT = path.resolve(__dirname, "..");
const reports = fs.mkdtempSync(path.join(os.tmpdir(), "pve-standby-test-"));
const vitestReport = path.join(reports, "vitest.json");
const playwrightReport = path.join(reports, "playwright.json");
const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);

const stages: { name: string; cmd: string; args: string[]; env?: Record<string, string> }[] = [
  { name: "typecheck", cmd: bin("tsc"), args: ["--noEmit"] },
  { name: "lint", cmd: bin("eslint"), args: ["--max-warnings", "0", "."] },
  { name: "unit and integration tests", cmd: bin("vitest"), args: ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestReport}`] },
  { name: "production build", cmd: bin("next"), args: ["build"], env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } },
  { name: "browser tests", cmd: bin("playwright"), args: ["test"], env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport } },
];

const only = process.argv.slice(2);
let failedStage: string | null = null;
for (const stage of stages) {
  if (only.length && !only.some((o) => stage.name.includes(o))) continue;
  console.log(`\n=== ${stage.name} ===`);
  const started = Date.now();
  const result = spawnSync(stage.cmd, stage.args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...stage.env } });
  console.log(`--- ${stage.name}: ${result.status === 0 ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) {
    failedStage = stage.name;
    break;
  }
}

const counts = emptyCounts();
if (fs.existsSync(vitestReport)) addVitest(counts, JSON.parse(fs.readFileSync(vitestReport, "utf8")));
if (fs.existsSync(playwrightReport)) addPlaywright(counts, JSON.parse(fs.readFileSync(playwrightReport, "utf8")));
const summary = summarize(counts, failedStage, process.env.TEST_FLAKY === "fail");
console.log(`\n${summary.lines.join("\n")}`);
process.exit(summary.ok ? 0 : 1);
