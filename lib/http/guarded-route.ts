import "server-only";
import { z } from "zod";
import type { AuditAction } from "@/lib/audit/audit-actions";
import { recordAudit } from "@/lib/audit/record-audit";
import { can, type Permission } from "@/lib/auth/permissions";
import { getSessionUser, requestAddress } from "@/lib/auth/session";
import { UserError, type SessionUser } from "@/lib/auth/users";
import { getDb } from "@/lib/db/app-db";
import { getEnv, type Env } from "@/lib/env";
import { requestHost } from "./request-host";
import type { PrismaClient } from "@/prisma/generated/client";

type RouteContext = { params: Promise<Record<string, string>> };

export type GuardedContext<TBody> = { user: SessionUser; body: TBody; params: Record<string, string>; db: PrismaClient; ip: string };

export type GuardedResult = {
  status?: number;
  data: unknown;
  audit: { target?: { type: string; id: string }; details?: Record<string, unknown> };
};

/**
 * Every mutating API route goes through here, in this order: same-origin check, session,
 * permission (a refusal is audited), zod on the body, the handler, then the audit row.
 * Expected refusals (UserError) are answered 409 and audited as failures.
 */
export function guardedRoute<TSchema extends z.ZodType>(
  config: { permission: Permission | "self"; action: AuditAction; body: TSchema; target?: (params: Record<string, string>) => { type: string; id: string } },
  handler: (ctx: GuardedContext<z.infer<TSchema>>) => Promise<GuardedResult>,
) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    if (!isSameOrigin(request)) return json(403, { error: "Cross-site request refused." });
    const user = await getSessionUser();
    if (!user) return json(401, { error: "Sign in first." });
    const params = await context.params;
    const db = getDb();
    const ip = await requestAddress();
    const actor = { id: user.id, label: user.email, type: "user" as const };
    const target = config.target?.(params);
    const mustChangeFirst = user.mustChangePassword && config.action !== "account.password_change";
    if (mustChangeFirst || (config.permission !== "self" && !can(user.role, config.permission))) {
      await recordAudit(db, { actor, action: config.action, outcome: "denied", target, ip, details: { permission: config.permission } });
      return json(403, { error: mustChangeFirst ? "Change your password first." : "You do not have permission to do this." });
    }
    const parsed = config.body.safeParse(await request.json().catch(() => undefined));
    if (!parsed.success) {
      return json(400, { error: "Some fields are not valid.", fieldErrors: z.flattenError(parsed.error).fieldErrors });
    }
    try {
      const result = await handler({ user, body: parsed.data, params, db, ip });
      await recordAudit(db, { actor, action: config.action, outcome: "success", target: result.audit.target ?? target, details: result.audit.details, ip });
      return json(result.status ?? 200, result.data);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      await recordAudit(db, { actor, action: config.action, outcome: "failure", target, ip, details: { error: error.message } });
      return json(409, { error: error.message });
    }
  };
}

export function json(status: number, data: unknown): Response {
  return Response.json(data, { status, headers: { "Cache-Control": "no-store" } });
}

// Session cookies are SameSite=Lax already; checking Origin as well closes the gap for
// browsers or proxies that do not honour it. Requests without Origin (curl, scripts) carry
// no ambient browser cookies unless the caller put them there on purpose.
export function isSameOrigin(request: Request, env: Pick<Env, "appUrl" | "TRUST_PROXY"> = getEnv()): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return true;
  const host = requestHost((n) => request.headers.get(n), env.TRUST_PROXY);
  try {
    const o = new URL(origin);
    return o.origin === new URL(env.appUrl).origin || (host !== null && o.host === host);
  } catch {
    return false;
  }
}
