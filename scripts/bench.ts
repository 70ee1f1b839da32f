// npm run bench [name…]: runs every benchmark in scripts/bench/ (or the named ones), each in its
// own process, prints their tables and keeps the figures as JSON in bench-results/ (git-ignored):
// one file per part, and run-<date>.json with every part of this run. Benchmarks print
// measurements; they never fail on a number. BENCH_SIZE=small runs quick, smaller sizes.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describeMachine, machineLine } from "./bench/lib/machine";
import { RESULTS_DIR } from "./bench/lib/results";

const dir = path.join(__dirname, "bench");
const wanted = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`No benchmark matches ${wanted.join(", ")}; there are: ${fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).join(", ")}`);
  process.exit(1);
}
const started = new Date();
console.log(`pve-standby bench, ${started.toISOString()}\nmachine: ${machineLine()}${process.env.BENCH_SIZE === "small" ? "\nBENCH_SIZE=small: reduced sizes" : ""}`);
/** What a whole run at full size should fit in on a 2-core machine (issue 15); printed, never enforced. */
const BUDGET_SECONDS = 600;
const failed: string[] = [];
const parts: unknown[] = [];
const wallSeconds: Record<string, number> = {};
for (const file of files) {
  console.log(`\n=== bench: ${file} ===`);
  const t = performance.now();
  const result = spawnSync(process.execPath, [require.resolve("tsx/cli"), "--conditions=react-server", path.join(dir, file)], { stdio: "inherit" });
  wallSeconds[file.replace(/\.ts$/, "")] = (performance.now() - t) / 1000;
  console.log(`(${file}: ${wallSeconds[file.replace(/\.ts$/, "")]!.toFixed(0)} s)`);
  if (result.status !== 0) failed.push(file);
  const json = path.join(RESULTS_DIR, `${file.replace(/\.ts$/, "")}.json`);
  if (fs.existsSync(json) && fs.statSync(json).mtimeMs >= started.getTime()) parts.push(JSON.parse(fs.readFileSync(json, "utf8")));
}
fs.mkdirSync(RESULTS_DIR, { recursive: true });
const runFile = path.join(RESULTS_DIR, `run-${started.toISOString().replace(/[:.]/g, "-")}.json`);
const totalSeconds = (Date.now() - started.getTime()) / 1000;
fs.writeFileSync(runFile, JSON.stringify({ started: started.toISOString(), finished: new Date().toISOString(), size: process.env.BENCH_SIZE ?? "full", machine: describeMachine(), wallSeconds, totalSeconds, failed, parts }, null, 2) + "\n");
console.log(`\nwall time per part (machine: ${machineLine()}):`);
for (const [part, seconds] of Object.entries(wallSeconds)) console.log(`  ${part.padEnd(12)} ${seconds.toFixed(0).padStart(5)} s`);
console.log(`  ${"total".padEnd(12)} ${totalSeconds.toFixed(0).padStart(5)} s`);
if (wanted.length === 0 && process.env.BENCH_SIZE !== "small") {
  console.log(
    totalSeconds > BUDGET_SECONDS
      ? `BUDGET: this whole run took ${(totalSeconds / 60).toFixed(1)} min, over the ${BUDGET_SECONDS / 60}-minute budget (the load average above says how busy the machine was)`
      : `budget: the whole run fits the ${BUDGET_SECONDS / 60}-minute budget (${(totalSeconds / 60).toFixed(1)} min)`,
  );
}
console.log(`\n${parts.length} part(s) in ${totalSeconds.toFixed(0)} s; figures in ${path.relative(process.cwd(), runFile)}${failed.length ? `; FAILED: ${failed.join(", ")}` : ""}`);
process.exit(failed.length ? 1 : 0);
