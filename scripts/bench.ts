// npm run bench [name…]: runs every benchmark in scripts/bench/ (or the named ones) and prints
// their figures. Benchmarks print measurements; they never fail on a number.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dir = path.join(__dirname, "bench");
const wanted = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== bench: ${file} ===`);
  const result = spawnSync(process.execPath, [require.resolve("tsx/cli"), "--conditions=react-server", path.join(dir, file)], { stdio: "inherit" });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
