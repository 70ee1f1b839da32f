import type { OperationView, StepView } from "@/lib/failover/queries";

/** Steps per guest in plan order (server and client: the report and the live page share it). */
export function groupByGuest(view: OperationView): { vmid: number; label: string; steps: StepView[] }[] {
  const moves = view.plan.guests.map((g) => ({
    vmid: g.vmid,
    label: `${g.type === "lxc" ? "CT" : "VM"} ${g.vmid}${g.name ? ` (${g.name})` : ""}: ${g.source} → ${g.target || "where HA recovers it"}`,
    steps: view.steps.filter((s) => s.vmid === g.vmid && s.kind !== "leave-alone"),
  }));
  // Part 2: a failback hold's guests (replication back to the node that died).
  const holds = view.plan.failback.map((g) => ({
    vmid: g.vmid,
    label: `${g.type === "lxc" ? "CT" : "VM"} ${g.vmid}${g.name ? ` (${g.name})` : ""}: replication ${g.newNode} → ${g.oldNode} held`,
    steps: view.steps.filter((s) => s.vmid === g.vmid && s.kind !== "leave-alone"),
  }));
  return [...moves, ...holds];
}
