import "server-only";
import type { Permission } from "@/lib/auth/permissions";
import { can } from "@/lib/auth/permissions";
import { getSessionUser } from "@/lib/auth/session";
import type { SessionUser } from "@/lib/auth/users";
import { getDb } from "@/lib/db/app-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { json } from "./guarded-route";

type RouteContext = { params: Promise<Record<string, string>> };

export type ReadContext = { user: SessionUser; params: Record<string, string>; url: URL; db: PrismaClient };

/** A handler's answer: data (200), or an explicit status with a message. */
export type ReadResult = { status?: number; data: unknown };

/**
 * GET route handlers that TanStack Query polls: session, then permission, then the handler.
 * Answers 401/403 as JSON (the client does not retry those). Reads are not audited: they are
 * polled every few seconds and change nothing; a denied page view is audited by the page.
 */
export function readRoute(permission: Permission, handler: (ctx: ReadContext) => Promise<ReadResult>) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    // Polling is not activity: a tab left open must not keep its session from going idle.
    const user = await getSessionUser(false);
    if (!user) return json(401, { error: "Sign in first." });
    if (user.mustChangePassword) return json(403, { error: "Change your password first." });
    if (!can(user.role, permission)) return json(403, { error: "You do not have permission to see this." });
    const result = await handler({ user, params: await context.params, url: new URL(request.url), db: getDb() });
    return json(result.status ?? 200, result.data);
  };
}

export function notFound(what: string): ReadResult {
  return { status: 404, data: { error: `${what} not found.` } };
}
