import type { PrismaClient } from "@/prisma/generated/client";
import { formatRetryMessage } from "./messages";
import { hashPassword } from "./password";
import { type LoginLimits, reserveAttempt } from "./rate-limit";
import type { Role } from "./permissions";
import { UserError } from "./users";
import type { z } from "zod";
import type { setupSchema } from "./user-schemas";

/**
 * Creates the first admin while no account exists. Whether setup is still open is checked
 * before the (deliberately expensive) hash and before an attempt is counted, so a finished
 * install spends nothing on it; the count and the insert then share one transaction, so two
 * browsers racing through /setup cannot both become admin. Attempts are limited per address.
 */
export async function createFirstAdmin(
  db: PrismaClient,
  input: z.infer<typeof setupSchema>,
  limit?: { ip: string; limits: LoginLimits; now: Date },
) {
  if ((await db.user.count()) > 0) throw new UserError(SETUP_DONE_MESSAGE);
  if (limit) {
    const gate = await reserveAttempt(db, { account: null, ip: limit.ip }, limit.limits, limit.now);
    if (!gate.allowed) throw new UserError(formatRetryMessage(gate.retryAt, limit.now).replace("failed sign-ins", "setup attempts"));
  }
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    if ((await tx.user.count()) > 0) throw new UserError(SETUP_DONE_MESSAGE);
    return tx.user.create({
      data: { email: input.email, name: input.name, role: "admin", passwordHash },
      select: { id: true, email: true },
    });
  });
}

const SETUP_DONE_MESSAGE = "Setup is already complete. Sign in instead.";

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role }[] = [
  { email: "admin@demo.local", name: "Demo Admin", role: "admin" },
  { email: "operator@demo.local", name: "Demo Operator", role: "operator" },
  { email: "viewer@demo.local", name: "Demo Viewer", role: "viewer" },
];

/**
 * Demo mode only (loopback, lib/demo/demo-guard.ts): creates the demo accounts that do not
 * exist yet. An account that exists is left as it is: one an admin disabled stays disabled.
 */
export async function ensureDemoAccounts(db: PrismaClient, password: string) {
  const existing = new Set((await db.user.findMany({ where: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } }, select: { email: true } })).map((u) => u.email));
  const missing = DEMO_ACCOUNTS.filter((a) => !existing.has(a.email));
  if (missing.length === 0) return;
  const passwordHash = await hashPassword(password);
  for (const account of missing) await db.user.create({ data: { ...account, passwordHash } });
}
