"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { UserPlus } from "lucide-react";
import { FormAlert, FormField } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import type { Role } from "@/lib/auth/permissions";
import { createUserSchema } from "@/lib/auth/user-schemas";
import { sendJson } from "@/lib/http/fetch-json";
import { useZodForm } from "@/lib/forms/use-zod-form";
import { RoleSelect } from "./role-select";

const EMPTY = { email: "", name: "", role: "operator" as Role, password: "" };

export function CreateUserDialog() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState(EMPTY);
  const form = useZodForm(createUserSchema);
  const mutation = useMutation({
    mutationFn: (body: typeof values) => sendJson("/api/users", "POST", body),
    onSuccess: () => {
      setOpen(false);
      setValues(EMPTY);
      router.refresh();
    },
    onError: form.showApiError,
  });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    if (form.validate(values)) mutation.mutate(values);
  }

  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [key]: e.target.value });
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
          <FormAlert message={form.errors._form} />
          <FormField label="Email" error={form.errors.email}>
            {(p) => <Input {...p} type="email" autoComplete="off" value={values.email} onChange={set("email")} />}
          </FormField>
          <FormField label="Name" error={form.errors.name}>
            {(p) => <Input {...p} autoComplete="off" value={values.name} onChange={set("name")} />}
          </FormField>
          <FormField label="Role" error={form.errors.role}>
            {(p) => <RoleSelect {...p} value={values.role} onChange={(role) => setValues({ ...values, role })} />}
          </FormField>
          <FormField label="Temporary password" error={form.errors.password} hint="At least 10 characters. Share it over a trusted channel.">
            {(p) => <Input {...p} type="text" autoComplete="new-password" value={values.password} onChange={set("password")} />}
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
