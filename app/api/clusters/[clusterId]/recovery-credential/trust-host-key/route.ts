// POST /api/clusters/:clusterId/recovery-credential/trust-host-key – an admin trusts the new SSH
// host key a node presented (after checking it on the node's console).
import { trustOfferedHostKey } from "@/lib/clusters/recovery-credential";
import { trustHostKeySchema } from "@/lib/clusters/recovery-schemas";
import { guardedRoute } from "@/lib/http/guarded-route";

const target = (p: Record<string, string>) => ({ type: "cluster", id: p.clusterId ?? "" });

export const POST = guardedRoute({ permission: "cluster.manage", action: "cluster.host_key_trust", body: trustHostKeySchema, target }, async ({ db, body, params }) => {
  const change = await trustOfferedHostKey(db, params.clusterId ?? "", body.node, body.fingerprint, new Date());
  return { data: { trusted: body.fingerprint }, audit: { details: { node: body.node, ...change } } };
});
