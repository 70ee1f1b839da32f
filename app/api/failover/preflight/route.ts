import { UserError } from "@/lib/auth/users";
import { withFailoverClient } from "@/lib/failover/app-deps";
import { gatherSwitchoverPreflight } from "@/lib/failover/gather";
import { jobsOfGuest } from "@/lib/failover/live-state";
import { preflightQuerySchema } from "@/lib/failover/route-schemas";
import { readRoute } from "@/lib/http/read-guard";

export const dynamic = "force-dynamic";

/** The switch-over checklist, read live from Proxmox when the dialog opens (never polled). */
export const GET = readRoute("failover.execute", async ({ url, db }) => {
  const query = preflightQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return { status: 400, data: { error: "clusterId, vmid and an optional target are expected." } };
  const { clusterId, vmid, target } = query.data;
  try {
    return {
      data: await withFailoverClient(db, clusterId, async (deps) => {
        const first = await gatherSwitchoverPreflight(deps, clusterId, vmid, target ?? "-");
        const targets = jobsOfGuest(first.live, vmid).map((j) => j.target);
        const chosen = target ?? targets[0];
        const result = !target && chosen ? await gatherSwitchoverPreflight(deps, clusterId, vmid, chosen, { live: first.live }) : first;
        return { target: chosen ?? null, targets, checks: result.checks, verdict: result.verdict, plan: result.plan, downtime: result.downtime };
      }),
    };
  } catch (error) {
    if (error instanceof UserError) return { status: 409, data: { error: error.message } };
    throw error;
  }
});
