// POST /api/clusters/test – run the connection test on the wizard's settings (stored secret and trust when editing)
import { getServerSecrets } from "@/lib/server-secrets";
import { getCluster } from "@/lib/clusters/clusters";
import { resolveConnectionSpec, runConnectionTest } from "@/lib/clusters/connection";
import { formatEndpoint, testClusterSchema } from "@/lib/clusters/schemas";
import { guardedRoute } from "@/lib/http/guarded-route";

export const POST = guardedRoute({ permission: "cluster.manage", action: "cluster.test", body: testClusterSchema }, async ({ db, body }) => {
  const stored = body.clusterId ? await getCluster(db, body.clusterId) : undefined;
  const spec = resolveConnectionSpec(body, stored, getServerSecrets().encryptionKey);
  const result = await runConnectionTest(spec);
  return {
    data: result,
    audit: {
      target: stored ? { type: "cluster", id: stored.id } : { type: "cluster-address", id: formatEndpoint(spec.endpoints[0]!) },
      details: {
        endpoints: spec.endpoints.map(formatEndpoint),
        authKind: body.authKind,
        principal: body.principal,
        trustKind: spec.trust.kind,
        result: result.ok ? "ok" : result.failure.kind,
        ...(result.ok ? { version: result.report.version.version, features: result.report.features.map((f) => `${f.feature}:${f.status}`) } : {}),
      },
    },
  };
});
