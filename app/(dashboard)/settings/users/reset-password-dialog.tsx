"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { FormAlert, FormField } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { resetPasswordSchema } from "@/lib/auth/user-schemas";
import { sendJson } from "@/lib/http/fetch-json";
import { useZodForm } from "@/lib/forms/use-zod-form";

export function ResetPasswordDialog({ userId, email }: { userId: string; email: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const form = useZodForm(resetPasswordSchema);
  const mutation = useMutation({
    mutationFn: () => sendJson(`/api/users/${userId}/password`, "POST", { password }),
    onSuccess: () => {
      setOpen(false);
      setPassword("");
      router.refresh();
    },
    onError: form.showApiError,
  });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    if (form.validate({ password })) mutation.mutate();
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm" aria-label={`Reset password of ${email}`}>
          Reset password
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Reset the password of {email}</DialogTitle>
            <DialogDescription>Their sessions end now, and they must choose a new password at the next sign-in.</DialogDescription>
          </DialogHeader>
          <FormAlert message={form.errors._form} />
          <FormField label="Temporary password" error={form.errors.password} hint="At least 10 characters.">
            {(p) => <Input {...p} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
          </FormField>
          <DialogFooter>
            <Button type="submit" disabled={mutation.isPending}>
              {mutation.isPending ? "Resetting…" : "Reset password"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
