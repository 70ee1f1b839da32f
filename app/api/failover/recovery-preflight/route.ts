import { UserError } from "@/lib/auth/users";
import { withFailoverClient } from "@/lib/failover/app-deps";
import { appRecoveryDeps, hasRecoveryCredential } from "@/lib/failover/app-recovery";
import { gatherRecoveryPreflight } from "@/lib/failover/recovery-gather";
import { recoveryCommands } from "@/lib/failover/recovery-preflight";
import { recoveryQuerySchema } from "@/lib/failover/route-schemas";
import { readRoute } from "@/lib/http/read-guard";

export const dynamic = "force-dynamic";

/** The recovery checklist of one guest of a dead node, read live when the dialog opens (never polled). */
export const GET = readRoute("failover.execute", async ({ url, db }) => {
  const query = recoveryQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return { status: 400, data: { error: "clusterId, vmid, node and an optional target are expected." } };
  const { clusterId, vmid, node, target } = query.data;
  try {
    return {
      data: await withFailoverClient(db, clusterId, async (base) => {
        const deps = appRecoveryDeps(base);
        const pre = await gatherRecoveryPreflight(deps, { clusterId, vmid, node, target: target ?? null });
        return {
          checks: pre.checks, verdict: pre.verdict, plan: pre.plan, dataLoss: pre.dataLoss, quorum: pre.quorum, alreadyMoved: pre.alreadyMoved,
          minOfflineSeconds: deps.minOfflineSeconds, hasCredential: await hasRecoveryCredential(base, clusterId),
          commands: pre.plan ? recoveryCommands(pre.plan) : null,
        };
      }),
    };
  } catch (error) {
    if (error instanceof UserError) return { status: 409, data: { error: error.message } };
    throw error;
  }
});
