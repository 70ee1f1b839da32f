// POST /api/clusters/probe – read the certificate each address presents (TLS handshake only, no credentials)
import { probeEndpoints } from "@/lib/clusters/connection";
import { probeClusterSchema } from "@/lib/clusters/schemas";
import { guardedRoute } from "@/lib/http/guarded-route";

export const POST = guardedRoute({ permission: "cluster.manage", action: "cluster.probe", body: probeClusterSchema }, async ({ body }) => {
  const results = await probeEndpoints(body.endpoints);
  return {
    data: { results },
    audit: {
      target: { type: "cluster-address", id: results[0]?.address ?? "" },
      details: { results: results.map((r) => (r.ok ? { address: r.address, fingerprint: r.certificate.fingerprint256 } : { address: r.address, error: r.failure.kind })) },
    },
  };
});
