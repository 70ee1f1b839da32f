// Throughput of the calendar-event engine: npx tsx scripts/bench/schedule.ts
// Prints evaluations per second; no assertions (figures depend on the machine).
import { nextEvent, parseCalendarEvent } from "../../lib/schedule/calendar-event";
import { report, type Figure } from "./lib/results";

type Case = { label: string; spec: string; timeZone?: string };

const CASES: Case[] = [
  { label: "*/15", spec: "*/15" },
  { label: "*/5", spec: "*/5" },
  { label: "hourly", spec: "hourly" },
  { label: "mon..fri 8..17:00/30", spec: "mon..fri 8..17:00/30" },
  { label: "sat *-1..7 15:00", spec: "sat *-1..7 15:00" },
  { label: "*/15 in Europe/Vienna", spec: "*/15", timeZone: "Europe/Vienna" },
  { label: "mon..fri 8..17:00/30 in America/New_York", spec: "mon..fri 8..17:00/30", timeZone: "America/New_York" },
  { label: "parse (cached) + */15", spec: "*/15" },
];

const START = 1_767_225_600; // 2026-01-01T00:00:00Z
const DURATION_MS = 700;

function measure(run: (i: number) => void): number {
  for (let i = 0; i < 2000; i++) run(i);
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < DURATION_MS) {
    for (let i = 0; i < 1000; i++) run(count + i);
    count += 1000;
    elapsed = performance.now() - started;
  }
  return (count / elapsed) * 1000;
}

let sink = 0;
const figures: Figure[] = [];
console.log(`node ${process.version}, ${DURATION_MS} ms per case, "last" walks forward 97 s per call`);
for (const c of CASES) {
  const options = c.timeZone ? { timeZone: c.timeZone } : undefined;
  const event = parseCalendarEvent(c.spec);
  const viaText = c.label.startsWith("parse");
  const perSecond = measure((i) => {
    const last = START + i * 97;
    sink += nextEvent(viaText ? c.spec : event, last, options) ?? 0;
  });
  figures.push({ name: `calendar event ${c.label}`, value: Math.round(perSecond), unit: "evals/s", how: `${DURATION_MS} ms run` });
}
report("schedule", figures);
if (sink === 42) console.log("");
