import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { recordAudit } from "@/lib/audit/record-audit";
import { getDb } from "@/lib/db/app-db";
import { getEnv } from "@/lib/env";
import { clientAddress } from "@/lib/http/client-address";
import { getAuthOptions } from "./options";
import { can, type Permission, type Role } from "./permissions";
import type { SessionUser } from "./users";
import { touchSession } from "./user-sessions";

/**
 * The signed-in user, re-read from the database on every request: a disabled account, a
 * changed role or a reset password (session version bump) takes effect at once, not at JWT expiry.
 * The token's session row was checked by the jwt callback (ended, absolute end, idle).
 * `touch` (pages and actions; not the background polling of read routes) restarts the idle clock.
 */
export const getSessionUser = cache(async (touch: boolean = true): Promise<SessionUser | null> => {
  const session = await getServerSession(getAuthOptions());
  if (!session?.user?.id) return null;
  const db = getDb();
  const user = await db.user.findUnique({ where: { id: session.user.id } });
  if (!user || user.disabled || user.sessionVersion !== session.user.sv) return null;
  if (touch) await touchSession(db, session.user.sid, new Date());
  return { id: user.id, email: user.email, name: user.name, role: user.role as Role, mustChangePassword: user.mustChangePassword };
});

export async function requestAddress(): Promise<string> {
  const h = await headers();
  const env = getEnv();
  return clientAddress((n) => h.get(n), { trustProxy: env.TRUST_PROXY, hops: env.TRUST_PROXY_HOPS });
}

/** For pages: a signed-in user, or a redirect to sign-in (or to the forced password change). */
export async function requireUser(opts: { allowPasswordChange?: boolean } = {}): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  if (user.mustChangePassword && !opts.allowPasswordChange) redirect("/account/password");
  return user;
}

/** For pages: the user if they hold `permission`; otherwise the attempt is audited and a 403 page shown. */
export async function requirePagePermission(permission: Permission, page: string): Promise<SessionUser> {
  const user = await requireUser();
  if (!can(user.role, permission)) {
    await recordAudit(getDb(), {
      actor: { id: user.id, label: user.email, type: "user" },
      action: "page.view",
      outcome: "denied",
      target: { type: "page", id: page },
      details: { permission },
      ip: await requestAddress(),
    });
    forbidden();
  }
  return user;
}
