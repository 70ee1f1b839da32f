"use client";

import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { FormField } from "@/components/form-field";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { changeOwnPasswordSchema } from "@/lib/auth/user-schemas";
import { sendJson } from "@/lib/http/fetch-json";
import { apiFieldErrors, type FieldErrors, zodFieldErrors } from "@/lib/http/form-errors";

export function ChangePasswordForm() {
  const [form, setForm] = useState({ currentPassword: "", newPassword: "", confirm: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation({
    mutationFn: () => sendJson("/api/account/password", "POST", { currentPassword: form.currentPassword, newPassword: form.newPassword }),
    // The password change ended every session, this one included: sign in again with the new one.
    onSuccess: () => signOut({ callbackUrl: "/login?changed=1" }),
    onError: (error) => setErrors(apiFieldErrors(error)),
  });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const parsed = changeOwnPasswordSchema.safeParse(form);
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    if (form.newPassword !== form.confirm) return setErrors({ confirm: "The two new passwords differ." });
    setErrors({});
    mutation.mutate();
  }

  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: e.target.value });
  return (
    <form onSubmit={submit} noValidate className="grid gap-4">
      {errors._form && (
        <Alert variant="destructive">
          <AlertDescription>{errors._form}</AlertDescription>
        </Alert>
      )}
      <FormField label="Current password" error={errors.currentPassword}>
        {(p) => <Input {...p} type="password" autoComplete="current-password" value={form.currentPassword} onChange={set("currentPassword")} />}
      </FormField>
      <FormField label="New password" error={errors.newPassword} hint="At least 10 characters.">
        {(p) => <Input {...p} type="password" autoComplete="new-password" value={form.newPassword} onChange={set("newPassword")} />}
      </FormField>
      <FormField label="Repeat new password" error={errors.confirm}>
        {(p) => <Input {...p} type="password" autoComplete="new-password" value={form.confirm} onChange={set("confirm")} />}
      </FormField>
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? "Saving…" : "Change password"}
      </Button>
    </form>
  );
}
