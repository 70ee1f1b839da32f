// POST /api/setup – create the first admin; refused for good once any account exists.
import { z } from "zod";
import { recordAudit } from "@/lib/audit/record-audit";
import { loginLimits } from "@/lib/auth/options";
import { requestAddress } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { createFirstAdmin } from "@/lib/auth/setup";
import { setupSchema } from "@/lib/auth/user-schemas";
import { UserError } from "@/lib/auth/users";
import { getDb } from "@/lib/db/app-db";
import { isSameOrigin, json } from "@/lib/http/guarded-route";

export async function POST(request: Request) {
  // Unauthenticated by nature, so the origin check is all that stops another site's form from
  // creating the first admin of a fresh install.
  if (!isSameOrigin(request)) return json(403, { error: "Cross-site request refused." });
  const parsed = setupSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return json(400, { error: "Some fields are not valid.", fieldErrors: z.flattenError(parsed.error).fieldErrors });
  const db = getDb();
  const ip = await requestAddress();
  try {
    const admin = await createFirstAdmin(db, parsed.data, { ip, limits: loginLimits(getEnv()), now: new Date() });
    await recordAudit(db, {
      actor: { id: admin.id, label: admin.email, type: "user" }, action: "setup.complete", outcome: "success",
      target: { type: "user", id: admin.email }, ip,
    });
    return json(201, { ok: true });
  } catch (error) {
    if (error instanceof UserError) return json(409, { error: error.message });
    throw error;
  }
}
