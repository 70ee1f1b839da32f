// POST /api/account/password – the signed-in user changes their own password; other sessions end.
import { loginLimits } from "@/lib/auth/options";
import { getEnv } from "@/lib/env";
import { changeOwnPasswordSchema } from "@/lib/auth/user-schemas";
import { changeOwnPassword } from "@/lib/auth/users";
import { guardedRoute } from "@/lib/http/guarded-route";

export const POST = guardedRoute(
  { permission: "self", action: "account.password_change", body: changeOwnPasswordSchema, target: () => ({ type: "user", id: "self" }) },
  async ({ db, body, user, ip }) => {
    await changeOwnPassword(db, user.id, body.currentPassword, body.newPassword, { ip, limits: loginLimits(getEnv()), now: new Date() });
    return { data: { ok: true }, audit: { target: { type: "user", id: user.email } } };
  },
);
