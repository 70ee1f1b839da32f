import type { FailoverStep } from "@/prisma/generated/client";

// The closing sentence of a failback operation (finished or abandoned): what took effect, and
// above all whether a job or HA's failback stays held, because abandoning undoes nothing.

type Step = Pick<FailoverStep, "vmid" | "kind" | "state" | "title" | "message">;

export function failbackSummary(steps: Step[], abandoned: boolean): string {
  const lanes = new Map<number, Step[]>();
  for (const s of steps) if (s.kind.startsWith("failback-")) lanes.set(s.vmid, [...(lanes.get(s.vmid) ?? []), s]);
  const parts: string[] = [];
  for (const [vmid, lane] of lanes) {
    const done = (kind: string) => lane.find((s) => s.kind === kind)?.state === "done";
    const held = done("failback-hold-job") && !done("failback-release");
    const haHeld = done("failback-hold-ha") && !done("failback-restore-ha");
    const failed = lane.find((s) => s.state === "failed");
    if (done("failback-sync")) parts.push(`${vmid}: replica in sync${lane.find((s) => s.kind === "failback-preserve")?.message?.startsWith("Kept") ? ", old writes kept" : ""}.`);
    else if (failed) parts.push(`${vmid}: ${failed.title} failed: ${failed.message}`);
    if (held) parts.push(`${vmid}: its job stays DISABLED by this hold; re-enable it (Replication page or \`pvesr enable\`) once you decided.`);
    if (haHeld) parts.push(`${vmid}: HA's failback stays off; turn it on again when the replica is in sync.`);
  }
  const head = abandoned ? "Abandoned; nothing was undone." : "";
  return [head, ...parts].filter(Boolean).join(" ") || "Nothing to hold.";
}
