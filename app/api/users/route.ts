// POST /api/users – create an account (user.manage); the new user sets their own password at first sign-in.
import { createUserSchema } from "@/lib/auth/user-schemas";
import { createUser } from "@/lib/auth/users";
import { guardedRoute } from "@/lib/http/guarded-route";

export const POST = guardedRoute({ permission: "user.manage", action: "user.create", body: createUserSchema }, async ({ db, body }) => {
  const user = await createUser(db, body, { mustChangePassword: true });
  return { status: 201, data: user, audit: { target: { type: "user", id: user.email }, details: { after: { email: user.email, name: user.name, role: user.role } } } };
});
