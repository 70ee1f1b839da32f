"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { FormField } from "@/components/form-field";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { setupSchema } from "@/lib/auth/user-schemas";
import { sendJson } from "@/lib/http/fetch-json";
import { apiFieldErrors, type FieldErrors, zodFieldErrors } from "@/lib/http/form-errors";

export function SetupForm() {
  const router = useRouter();
  const [form, setForm] = useState({ name: "", email: "", password: "", confirm: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation({
    mutationFn: () => sendJson("/api/setup", "POST", { name: form.name, email: form.email, password: form.password }),
    onSuccess: () => router.replace("/login"),
    onError: (error) => setErrors(apiFieldErrors(error)),
  });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const parsed = setupSchema.safeParse(form);
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    if (form.password !== form.confirm) return setErrors({ confirm: "The two passwords differ." });
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
      <FormField label="Your name" error={errors.name}>
        {(p) => <Input {...p} autoComplete="name" value={form.name} onChange={set("name")} />}
      </FormField>
      <FormField label="Email" error={errors.email}>
        {(p) => <Input {...p} type="email" autoComplete="username" value={form.email} onChange={set("email")} />}
      </FormField>
      <FormField label="Password" error={errors.password} hint="At least 10 characters.">
        {(p) => <Input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set("password")} />}
      </FormField>
      <FormField label="Repeat password" error={errors.confirm}>
        {(p) => <Input {...p} type="password" autoComplete="new-password" value={form.confirm} onChange={set("confirm")} />}
      </FormField>
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? "Creating…" : "Create admin account"}
      </Button>
    </form>
  );
}
