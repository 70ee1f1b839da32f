import { withFailoverClient } from "@/lib/failover/app-deps";
import { triggerFailoverExecutor } from "@/lib/failover/app-executor";
import { appRecoveryDeps } from "@/lib/failover/app-recovery";
import { startNodeRecovery, startRecovery } from "@/lib/failover/recovery-operations";
import { startEvacuation, startSwitchover } from "@/lib/failover/operations";
import { listOperations } from "@/lib/failover/queries";
import { startOperationSchema } from "@/lib/failover/route-schemas";
import { guardedRoute } from "@/lib/http/guarded-route";
import { readRoute } from "@/lib/http/read-guard";

export const dynamic = "force-dynamic";

export const GET = readRoute("replication.read", async ({ db }) => ({ data: await listOperations(db) }));

/**
 * Starts a switch-over, an evacuation or a recovery from a dead node: checks again, takes the
 * guests' locks, hands it to the executor. A recovery carries the operator's typed confirmation
 * that the node is off; it is audited here and stored into the operation's steps.
 */
export const POST = guardedRoute({ permission: "failover.execute", action: "failover.start", body: startOperationSchema }, async ({ body, db, user }) => {
  const holder = { id: user.id, label: user.email };
  const created = await withFailoverClient(db, body.clusterId, async (deps) => {
    if (body.kind === "recovery") {
      const op = await startRecovery(appRecoveryDeps(deps), { clusterId: body.clusterId, vmid: body.vmid, node: body.node, target: body.target ?? null, confirmNode: body.confirmNode }, holder);
      return { id: op.id, title: op.title, checks: op.preflight.checks.map((c) => `${c.name}: ${c.result}`) };
    }
    if (body.kind === "node-recovery") {
      return { ...(await startNodeRecovery(appRecoveryDeps(deps), { clusterId: body.clusterId, node: body.node, parallelism: body.parallelism, confirmNode: body.confirmNode }, holder)), checks: undefined };
    }
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
