import { notFound } from "next/navigation";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { countUsers } from "@/lib/auth/users";
import { getDb } from "@/lib/db/app-db";
import { SetupForm } from "./setup-form";

export const metadata = { title: "First-run setup" };

// Exists only while there is no account at all; afterwards it is gone for good.
export default async function SetupPage() {
  if ((await countUsers(getDb())) > 0) notFound();
  return (
    <Card className="w-full max-w-md">
      <CardHeader>
        <CardTitle className="text-xl">
          <h1>Welcome to pve-standby</h1>
        </CardTitle>
        <CardDescription>Create the first admin account. You add your team and your Proxmox clusters after signing in.</CardDescription>
      </CardHeader>
      <CardContent>
        <SetupForm />
      </CardContent>
    </Card>
  );
}
