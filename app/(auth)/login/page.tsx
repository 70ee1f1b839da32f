import { redirect } from "next/navigation";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { DEMO_ACCOUNTS } from "@/lib/auth/setup";
import { redirectToSetupIfNoUsers } from "@/lib/auth/setup-gate";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { getSessionUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { LoginForm } from "./login-form";

export const metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; changed?: string }> }) {
  await redirectToSetupIfNoUsers();
  const { callbackUrl, changed } = await searchParams;
  const env = getEnv();
  const safeCallback = safeCallbackPath(callbackUrl, env.appUrl);
  if (await getSessionUser()) redirect(safeCallback);
  return (
    <Card className="w-full max-w-sm">
      <CardHeader>
        <CardTitle className="text-xl">
          <h1>Sign in</h1>
        </CardTitle>
        <CardDescription>{changed ? "Your password was changed. Sign in with the new one." : "Use the account your admin gave you."}</CardDescription>
      </CardHeader>
      <CardContent>
        <LoginForm callbackUrl={safeCallback} />
        {env.DEMO_MODE && (
          <div className="bg-muted mt-6 rounded-md p-3 text-xs">
            <p className="mb-1 font-medium">Demo accounts (password: {env.DEMO_PASSWORD === "demo" ? "demo" : "as set in DEMO_PASSWORD"})</p>
            <ul className="text-muted-foreground space-y-0.5">
              {DEMO_ACCOUNTS.map((a) => (
                <li key={a.email}>
                  {a.email} <span className="opacity-70">({a.role})</span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
