import { UserError } from "@/lib/auth/users";
import { withFailoverClient } from "@/lib/failover/app-deps";
import { planEvacuation } from "@/lib/failover/operations";
import { evacuationQuerySchema } from "@/lib/failover/route-schemas";
import { readRoute } from "@/lib/http/read-guard";

export const dynamic = "force-dynamic";

/** What evacuating a node would do, guest by guest, read live from Proxmox. */
export const GET = readRoute("failover.execute", async ({ url, db }) => {
  const query = evacuationQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return { status: 400, data: { error: "clusterId and node are expected." } };
  try {
    return { data: await withFailoverClient(db, query.data.clusterId, (deps) => planEvacuation(deps, query.data.clusterId, query.data.node)) };
  } catch (error) {
    if (error instanceof UserError) return { status: 409, data: { error: error.message } };
    throw error;
  }
});
