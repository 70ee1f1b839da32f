// PATCH /api/users/:userId – change role or enable/disable (user.manage); the last admin stays.
import { updateUserSchema } from "@/lib/auth/user-schemas";
import { updateUser } from "@/lib/auth/users";
import { guardedRoute } from "@/lib/http/guarded-route";

export const PATCH = guardedRoute(
  { permission: "user.manage", action: "user.update", body: updateUserSchema, target: (p) => ({ type: "user", id: p.userId ?? "" }) },
  async ({ db, body, params }) => {
    const { before, after } = await updateUser(db, params.userId ?? "", body);
    const pick = (u: typeof before) => ({ role: u.role, disabled: u.disabled });
    return { data: after, audit: { target: { type: "user", id: after.email }, details: { before: pick(before), after: pick(after) } } };
  },
);
