// GET / PUT / DELETE /api/clusters/:clusterId/recovery-credential – the root login used to recover
// guests from a dead node. Admins only; the secret is never sent back.
import { z } from "zod";
import { deleteRecoveryCredential, getRecoveryCredentialView, setRecoveryCredential } from "@/lib/clusters/recovery-credential";
import { recoveryCredentialInputSchema } from "@/lib/clusters/recovery-schemas";
import { guardedRoute } from "@/lib/http/guarded-route";
import { readRoute } from "@/lib/http/read-guard";
import { getServerSecrets } from "@/lib/server-secrets";

export const dynamic = "force-dynamic";

const target = (p: Record<string, string>) => ({ type: "cluster", id: p.clusterId ?? "" });

export const GET = readRoute("cluster.manage", async ({ db, params }) => ({ data: await getRecoveryCredentialView(db, params.clusterId ?? "") }));

export const PUT = guardedRoute({ permission: "cluster.manage", action: "cluster.recovery_credential_set", body: recoveryCredentialInputSchema, target }, async ({ db, body, params, user }) => {
  const result = await setRecoveryCredential(db, params.clusterId ?? "", body, user.email, getServerSecrets().encryptionKey);
  return { data: { saved: true }, audit: { details: result } };
});

export const DELETE = guardedRoute({ permission: "cluster.manage", action: "cluster.recovery_credential_delete", body: z.object({}).passthrough(), target }, async ({ db, params }) => {
  await deleteRecoveryCredential(db, params.clusterId ?? "");
  return { data: { deleted: true }, audit: { details: {} } };
});
