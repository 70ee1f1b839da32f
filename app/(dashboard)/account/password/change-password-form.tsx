"use client";

import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { z } from "zod";
import { FormAlert, FormField } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { changeOwnPasswordSchema } from "@/lib/auth/user-schemas";
import { sendJson } from "@/lib/http/fetch-json";
import { useZodForm } from "@/lib/forms/use-zod-form";

/** The API's schema, plus the confirmation only this form asks for. */
const formSchema = changeOwnPasswordSchema.and(z.object({ confirm: z.string() })).refine((v) => v.newPassword === v.confirm, {
  message: "The two new passwords differ.",
  path: ["confirm"],
});

export function ChangePasswordForm() {
  const [values, setValues] = useState({ currentPassword: "", newPassword: "", confirm: "" });
  const form = useZodForm(formSchema);
  const mutation = useMutation({
    mutationFn: () => sendJson("/api/account/password", "POST", { currentPassword: values.currentPassword, newPassword: values.newPassword }),
    // The password change ended every session, this one included: sign in again with the new one.
    onSuccess: () => signOut({ callbackUrl: "/login?changed=1" }),
    onError: form.showApiError,
  });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    if (form.validate(values)) mutation.mutate();
  }

  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [key]: e.target.value });
  return (
    <form onSubmit={submit} noValidate className="grid gap-4">
      <FormAlert message={form.errors._form} />
      <FormField label="Current password" error={form.errors.currentPassword}>
        {(p) => <Input {...p} type="password" autoComplete="current-password" value={values.currentPassword} onChange={set("currentPassword")} />}
      </FormField>
      <FormField label="New password" error={form.errors.newPassword} hint="At least 10 characters.">
        {(p) => <Input {...p} type="password" autoComplete="new-password" value={values.newPassword} onChange={set("newPassword")} />}
      </FormField>
      <FormField label="Repeat new password" error={form.errors.confirm}>
        {(p) => <Input {...p} type="password" autoComplete="new-password" value={values.confirm} onChange={set("confirm")} />}
      </FormField>
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? "Saving…" : "Change password"}
      </Button>
    </form>
  );
}
