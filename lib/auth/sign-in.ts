import type { PrismaClient } from "@/prisma/generated/client";
import { recordAudit } from "@/lib/audit/record-audit";
import { burnPasswordCheck, verifyPassword } from "./password";
import type { Role } from "./permissions";
import { clearAccountFailures, type LoginLimits, pruneLoginAttempts, recordLockedOutAttempt, reserveAttempt } from "./rate-limit";

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string; role: Role; sessionVersion: number } }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; retryAt: Date };

/** The password check; injectable so tests can count how many verifications really ran. */
export type PasswordVerifier = (passwordHash: string, password: string) => Promise<boolean>;

/**
 * Checks credentials under the rate limit and audits the attempt. Unknown email, wrong
 * password and disabled account all answer "invalid", so the answer reveals nothing.
 */
export async function authenticate(
  db: PrismaClient,
  input: { email: string; password: string; ip: string },
  limits: LoginLimits,
  now: Date,
  verify: PasswordVerifier = verifyPassword,
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const actor = { id: null, label: email || "(no email)", type: "anonymous" as const };
  const gate = await reserveAttempt(db, { account: email, ip: input.ip }, limits, now);
  if (!gate.allowed) {
    await recordLockedOutAttempt(db, { email, ip: input.ip, retryAt: gate.retryAt, now });
    return { ok: false, reason: "locked", retryAt: gate.retryAt };
  }

  const user = await db.user.findUnique({ where: { email } });
  const passwordOk = user ? await verify(user.passwordHash, input.password) : (await burnPasswordCheck(input.password), false);
  if (!user || !passwordOk || user.disabled) {
    // The attempt reserved above stays as this failure's record.
    await recordAudit(db, {
      actor: { ...actor, id: user?.id ?? null }, action: "auth.signin", outcome: "failure", ip: input.ip, at: now,
      details: { reason: !user ? "unknown-account" : user.disabled && passwordOk ? "account-disabled" : "wrong-password" },
    });
    return { ok: false, reason: "invalid" };
  }

  await clearAccountFailures(db, email, gate.attemptId);
  await pruneLoginAttempts(db, limits, now);
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
  await recordAudit(db, {
    actor: { id: user.id, label: user.email, type: "user" }, action: "auth.signin", outcome: "success", ip: input.ip, at: now,
  });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role as Role, sessionVersion: user.sessionVersion } };
}
