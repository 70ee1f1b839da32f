// POST /api/users/:userId/password – set a temporary password that must be changed at next sign-in.
import { resetPasswordSchema } from "@/lib/auth/user-schemas";
import { resetPassword } from "@/lib/auth/users";
import { guardedRoute } from "@/lib/http/guarded-route";

export const POST = guardedRoute(
  { permission: "user.manage", action: "user.password_reset", body: resetPasswordSchema, target: (p) => ({ type: "user", id: p.userId ?? "" }) },
  async ({ db, body, params }) => {
    await resetPassword(db, params.userId ?? "", body.password);
    return { data: { ok: true }, audit: { details: { mustChangePassword: true } } };
  },
);
