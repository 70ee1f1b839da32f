import { UserError } from "@/lib/auth/users";
import { withFailoverClient } from "@/lib/failover/app-deps";
import { appRecoveryDeps, hasRecoveryCredential } from "@/lib/failover/app-recovery";
import { planNodeRecovery } from "@/lib/failover/recovery-operations";
import { nodeRecoveryQuerySchema } from "@/lib/failover/route-schemas";
import { readRoute } from "@/lib/http/read-guard";

export const dynamic = "force-dynamic";

/** "Recover everything from pve1": what would happen to each guest of the dead node, read live. */
export const GET = readRoute("failover.execute", async ({ url, db }) => {
  const query = nodeRecoveryQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return { status: 400, data: { error: "clusterId and node are expected." } };
  const { clusterId, node } = query.data;
  try {
    return {
      data: await withFailoverClient(db, clusterId, async (base) => ({
        ...(await planNodeRecovery(appRecoveryDeps(base), clusterId, node)),
        hasCredential: await hasRecoveryCredential(base, clusterId),
      })),
    };
  } catch (error) {
    if (error instanceof UserError) return { status: 409, data: { error: error.message } };
    throw error;
  }
});
