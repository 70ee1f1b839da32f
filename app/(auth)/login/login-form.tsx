"use client";

import { useState } from "react";
import { signIn } from "next-auth/react";
import { FormField } from "@/components/form-field";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { INVALID_CREDENTIALS_MESSAGE } from "@/lib/auth/messages";

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", { email: data.get("email"), password: data.get("password"), redirect: false });
    if (result?.ok && !result.error) {
      // A full load, not a client transition: the router may hold prefetches made while signed out.
      window.location.assign(callbackUrl);
      return;
    }
    setPending(false);
    // The server's own message (wrong credentials, or when to try again); anything else is generic.
    setError(result?.error && result.error !== "CredentialsSignin" ? result.error : INVALID_CREDENTIALS_MESSAGE);
  }

  return (
    <form onSubmit={submit} className="grid gap-4">
      {error && (
        <Alert variant="destructive" data-testid="login-error">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      )}
      <FormField label="Email">{(p) => <Input {...p} name="email" type="email" autoComplete="username" required autoFocus />}</FormField>
      <FormField label="Password">{(p) => <Input {...p} name="password" type="password" autoComplete="current-password" required />}</FormField>
      <Button type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
