import { TaggedError } from "@/lib/errors/tagged-error";
import type { PrismaClient } from "@/prisma/generated/client";
import { hashPassword, verifyPassword } from "./password";
import type { Role } from "./permissions";
import type { CreateUserInput, UpdateUserInput } from "./user-schemas";

/** An expected refusal with a message for the person who asked (tagged: it crosses bundles, see TaggedError). */
export class UserError extends TaggedError {
  static readonly tag: string = "UserError";
}

const PUBLIC_FIELDS = {
  id: true, email: true, name: true, role: true, disabled: true, mustChangePassword: true, createdAt: true, lastLoginAt: true,
} as const;

export async function listUsers(db: PrismaClient) {
  return db.user.findMany({ select: PUBLIC_FIELDS, orderBy: { email: "asc" } });
}
export type UserRow = Awaited<ReturnType<typeof listUsers>>[number];

export async function createUser(db: PrismaClient, input: CreateUserInput, opts: { mustChangePassword: boolean }) {
  const existing = await db.user.findUnique({ where: { email: input.email } });
  if (existing) throw new UserError(`An account for ${input.email} already exists.`);
  return db.user.create({
    data: {
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash: await hashPassword(input.password),
      mustChangePassword: opts.mustChangePassword,
    },
    select: PUBLIC_FIELDS,
  });
}

/**
 * Changes role and/or enabled state. Refuses to leave the team without an enabled admin,
 * checked inside the same transaction as the write so two admins cannot demote each other.
 */
export async function updateUser(db: PrismaClient, userId: string, change: UpdateUserInput) {
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId }, select: PUBLIC_FIELDS });
    if (!before) throw new UserError("No such user.");
    const losesAdmin =
      before.role === "admin" && !before.disabled && ((change.role && change.role !== "admin") || change.disabled === true);
    if (losesAdmin) {
      const otherAdmins = await tx.user.count({ where: { role: "admin", disabled: false, id: { not: userId } } });
      if (otherAdmins === 0) throw new UserError("This is the last enabled admin. Make another user admin first.");
    }
    const after = await tx.user.update({
      where: { id: userId },
      data: { ...change, sessionVersion: { increment: 1 } },
      select: PUBLIC_FIELDS,
    });
    return { before, after };
  });
}

/** Sets a temporary password that must be changed at the next sign-in; ends existing sessions. */
export async function resetPassword(db: PrismaClient, userId: string, password: string) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!user) throw new UserError("No such user.");
  await db.user.update({
    where: { id: userId },
    data: { passwordHash: await hashPassword(password), mustChangePassword: true, sessionVersion: { increment: 1 } },
  });
}

export async function changeOwnPassword(db: PrismaClient, userId: string, currentPassword: string, newPassword: string) {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new UserError("Your current password is not correct.");
  }
  // The session version is bumped so other browsers are signed out; the caller re-issues this one.
  return db.user.update({
    where: { id: userId },
    data: { passwordHash: await hashPassword(newPassword), mustChangePassword: false, sessionVersion: { increment: 1 } },
    select: { id: true, sessionVersion: true },
  });
}

export async function countUsers(db: PrismaClient): Promise<number> {
  return db.user.count();
}

export type SessionUser = { id: string; email: string; name: string; role: Role; mustChangePassword: boolean };
