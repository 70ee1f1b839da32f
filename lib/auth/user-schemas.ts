import { z } from "zod";
import { newPasswordSchema } from "./password-policy";
import { roleSchema } from "./permissions";

// Client-safe input schemas: the forms validate with them and the routes validate again.
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter a valid email address." }));

export const createUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1, "Enter a name.").max(100),
  role: roleSchema,
  password: newPasswordSchema,
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const updateUserSchema = z
  .object({ role: roleSchema.optional(), disabled: z.boolean().optional() })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, "Nothing to change.");
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const resetPasswordSchema = z.object({ password: newPasswordSchema });

export const changeOwnPasswordSchema = z
  .object({ currentPassword: z.string().min(1, "Enter your current password."), newPassword: newPasswordSchema })
  .refine((v) => v.currentPassword !== v.newPassword, { message: "Choose a password you have not used here.", path: ["newPassword"] });

export const setupSchema = createUserSchema.omit({ role: true });
