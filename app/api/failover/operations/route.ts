import { withFailoverClient } from "@/lib/failover/app-deps";
import { triggerFailoverExecutor } from "@/lib/failover/app-executor";
import { startEvacuation, startSwitchover } from "@/lib/failover/operations";
import { listOperations } from "@/lib/failover/queries";
import { startOperationSchema } from "@/lib/failover/route-schemas";
import { guardedRoute } from "@/lib/http/guarded-route";
import { readRoute } from "@/lib/http/read-guard";

export const dynamic = "force-dynamic";

export const GET = readRoute("replication.read", async ({ db }) => ({ data: await listOperations(db) }));

/** Starts a switch-over or an evacuation: checks again, takes the guests' locks, hands it to the executor. */
export const POST = guardedRoute({ permission: "failover.execute", action: "failover.start", body: startOperationSchema }, async ({ body, db, user }) => {
  const holder = { id: user.id, label: user.email };
  const created = await withFailoverClient(db, body.clusterId, async (deps) => {
    if (body.kind === "evacuation") {
      return { ...(await startEvacuation(deps, { clusterId: body.clusterId, node: body.node, parallelism: body.parallelism, acceptWarnings: body.acceptWarnings }, holder)), checks: undefined };
    }
    const op = await startSwitchover(deps, { clusterId: body.clusterId, vmid: body.vmid, target: body.target, acceptWarnings: body.acceptWarnings }, holder);
    return { id: op.id, title: op.title, checks: op.preflight.checks.map((c) => `${c.name}: ${c.result}`) };
  });
  triggerFailoverExecutor();
  const checks = created.checks;
  return { status: 201, data: { id: created.id }, audit: { target: { type: "failover", id: created.id }, details: { ...body, title: created.title, checks } } };
});
