import type { PrismaClient } from "@/prisma/generated/client";
import { hashPassword } from "./password";
import type { Role } from "./permissions";
import { UserError } from "./users";
import type { z } from "zod";
import type { setupSchema } from "./user-schemas";

/**
 * Creates the first admin while no account exists. The count and the insert share one
 * transaction, so two browsers racing through /setup cannot both become admin.
 */
export async function createFirstAdmin(db: PrismaClient, input: z.infer<typeof setupSchema>) {
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    if ((await tx.user.count()) > 0) throw new UserError("Setup is already complete. Sign in instead.");
    return tx.user.create({
      data: { email: input.email, name: input.name, role: "admin", passwordHash },
      select: { id: true, email: true },
    });
  });
}

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role }[] = [
  { email: "admin@demo.local", name: "Demo Admin", role: "admin" },
  { email: "operator@demo.local", name: "Demo Operator", role: "operator" },
  { email: "viewer@demo.local", name: "Demo Viewer", role: "viewer" },
];

/** Demo mode only: makes sure the three demo accounts exist and accept the demo password. */
export async function ensureDemoAccounts(db: PrismaClient, password: string) {
  const passwordHash = await hashPassword(password);
  for (const account of DEMO_ACCOUNTS) {
    await db.user.upsert({
      where: { email: account.email },
      create: { ...account, passwordHash },
      update: { passwordHash, disabled: false, mustChangePassword: false },
    });
  }
}
