import type { OperationView, StepView } from "@/lib/failover/queries";

/** Steps per guest in plan order (server and client: the report and the live page share it). */
export function groupByGuest(view: OperationView): { vmid: number; label: string; steps: StepView[] }[] {
  return view.plan.guests.map((g) => ({
    vmid: g.vmid,
    label: `${g.type === "lxc" ? "CT" : "VM"} ${g.vmid}${g.name ? ` (${g.name})` : ""}: ${g.source} → ${g.target || "where HA recovers it"}`,
    steps: view.steps.filter((s) => s.vmid === g.vmid && s.kind !== "leave-alone"),
  }));
}
