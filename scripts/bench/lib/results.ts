// Every bench part reports through here: a printed table and the same figures as JSON in
// bench-results/<part>.json (git-ignored), each with the machine it ran on.
import fs from "node:fs";
import path from "node:path";
import { describeMachine, machineLine } from "./machine";

export type Figure = {
  /** What was measured, e.g. "steady poll cycle, 20 nodes / 1,800 jobs". */
  name: string;
  value: number;
  unit: string;
  /** How the value was taken, e.g. "median of 5". */
  how?: string;
  /** Upper bound the issue sets, in the figure's unit. */
  target?: number;
  note?: string;
};

export const RESULTS_DIR = path.resolve(__dirname, "../../../bench-results");

export function formatValue(f: Pick<Figure, "value" | "unit">): string {
  const v = f.value;
  const digits = Math.abs(v) >= 100 || Number.isInteger(v) ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${f.unit}`;
}

function verdict(f: Figure): string {
  if (f.target === undefined) return "";
  return f.value <= f.target ? `ok (< ${formatValue({ value: f.target, unit: f.unit })})` : `MISSES ${formatValue({ value: f.target, unit: f.unit })}`;
}

/** Prints the part's table and writes bench-results/<part>.json. */
export function report(part: string, figures: Figure[], extra: Record<string, unknown> = {}): void {
  const machine = describeMachine();
  const nameWidth = Math.max(20, ...figures.map((f) => f.name.length));
  const valueWidth = Math.max(10, ...figures.map((f) => formatValue(f).length));
  console.log(`\n${part}: ${machineLine(machine)}`);
  for (const f of figures) {
    const tail = [f.how, verdict(f), f.note].filter(Boolean).join("; ");
    console.log(`  ${f.name.padEnd(nameWidth)}  ${formatValue(f).padStart(valueWidth)}  ${tail}`);
  }
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${part}.json`);
  fs.writeFileSync(file, JSON.stringify({ part, date: new Date().toISOString(), machine, figures, ...extra }, null, 2) + "\n");
  console.log(`  → ${path.relative(process.cwd(), file)}`);
}

export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
