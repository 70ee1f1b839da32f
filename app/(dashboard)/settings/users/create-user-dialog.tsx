"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { UserPlus } from "lucide-react";
import { FormField } from "@/components/form-field";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import type { Role } from "@/lib/auth/permissions";
import { createUserSchema } from "@/lib/auth/user-schemas";
import { sendJson } from "@/lib/http/fetch-json";
import { apiFieldErrors, type FieldErrors, zodFieldErrors } from "@/lib/http/form-errors";
import { RoleSelect } from "./role-select";

export function CreateUserDialog() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ email: "", name: "", role: "operator" as Role, password: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation({
    mutationFn: (body: typeof form) => sendJson("/api/users", "POST", body),
    onSuccess: () => {
      setOpen(false);
      setForm({ email: "", name: "", role: "operator", password: "" });
      router.refresh();
    },
    onError: (error) => setErrors(apiFieldErrors(error)),
  });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const parsed = createUserSchema.safeParse(form);
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    mutation.mutate(form);
  }

  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: e.target.value });
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>
          <UserPlus aria-hidden /> Add user
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Add a user</DialogTitle>
            <DialogDescription>They sign in with the temporary password and must choose their own at once.</DialogDescription>
          </DialogHeader>
          {errors._form && (
            <Alert variant="destructive">
              <AlertDescription>{errors._form}</AlertDescription>
            </Alert>
          )}
          <FormField label="Email" error={errors.email}>
            {(p) => <Input {...p} type="email" autoComplete="off" value={form.email} onChange={set("email")} />}
          </FormField>
          <FormField label="Name" error={errors.name}>
            {(p) => <Input {...p} autoComplete="off" value={form.name} onChange={set("name")} />}
          </FormField>
          <FormField label="Role" error={errors.role}>
            {(p) => <RoleSelect {...p} value={form.role} onChange={(role) => setForm({ ...form, role })} />}
          </FormField>
          <FormField label="Temporary password" error={errors.password} hint="At least 10 characters. Share it over a trusted channel.">
            {(p) => <Input {...p} type="text" autoComplete="new-password" value={form.password} onChange={set("password")} />}
          </FormField>
          <DialogFooter>
            <Button type="submit" disabled={mutation.isPending}>
              {mutation.isPending ? "Creating…" : "Create user"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
