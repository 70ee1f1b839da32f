// Prints the figures of bench-results/*.json as the README's Performance table:
// `npx tsx scripts/bench/lib/to-markdown.ts`
import fs from "node:fs";
import path from "node:path";
import { formatValue, RESULTS_DIR, type Figure } from "./results";

type Part = { part: string; date: string; machine: { cpuModel: string; cores: number; memoryGiB: number; node: string; loadAverage: number[] }; figures: Figure[] };

const ORDER = ["requests", "poll-cycle", "history", "queries", "browser", "memory", "schedule", "simulator"];
const parts = fs
  .readdirSync(RESULTS_DIR)
  .filter((f) => f.endsWith(".json") && !f.startsWith("run-"))
  .map((f) => JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, f), "utf8")) as Part)
  .sort((a, b) => ORDER.indexOf(a.part) - ORDER.indexOf(b.part));
for (const p of parts) {
  console.log(`\n**${p.part}** (${p.date.slice(0, 16).replace("T", " ")} UTC, load ${p.machine.loadAverage.join("/")})\n`);
  console.log("| Figure | Value | Target | How |\n|---|---:|---|---|");
  for (const f of p.figures) {
    const target = f.target === undefined ? "" : `${f.value <= f.target ? "met" : "**missed**"} (< ${formatValue({ value: f.target, unit: f.unit })})`;
    console.log(`| ${f.name} | ${formatValue(f)} | ${target} | ${[f.how, f.note].filter(Boolean).join("; ")} |`);
  }
}
