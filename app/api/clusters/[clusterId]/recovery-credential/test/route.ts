// POST /api/clusters/:clusterId/recovery-credential/test – logs in to each online node over SSH
// and runs `pvecm status`; pins each node's host key on first use.
import { z } from "zod";
import { appRecoveryShellDeps } from "@/lib/clusters/app-recovery-shell";
import { testRecoveryConnection } from "@/lib/clusters/recovery-shell";
import { guardedRoute } from "@/lib/http/guarded-route";

const target = (p: Record<string, string>) => ({ type: "cluster", id: p.clusterId ?? "" });

export const POST = guardedRoute({ permission: "cluster.manage", action: "cluster.recovery_credential_test", body: z.object({}).passthrough(), target }, async ({ params }) => {
  const results = await testRecoveryConnection(appRecoveryShellDeps(), params.clusterId ?? "");
  return { data: { results }, audit: { details: { results: results.map((r) => `${r.node}: ${r.ok ? "ok" : r.message}`) } } };
});
