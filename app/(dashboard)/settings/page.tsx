import Link from "next/link";
import { BellRing, KeyRound, Palette, Users } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { ThemeToggle } from "@/components/theme-toggle";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Settings" />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {can(user.role, "user.manage") && (
          <SettingsLink href="/settings/users" icon={Users} title="Users" description="Accounts, roles, disabling and password resets." />
        )}
        {can(user.role, "alert.manage") && (
          <SettingsLink href="/settings/alerts" icon={BellRing} title="Alerts and metrics" description="Notification channels, rules, the Prometheus token and Proxmox push." />
        )}
        <SettingsLink href="/account/password" icon={KeyRound} title="Your password" description="Change the password you sign in with." />
        <Card>
          <CardHeader>
            <CardTitle className="flex items-center gap-2">
              <Palette className="size-4" aria-hidden /> Appearance
            </CardTitle>
            <CardDescription className="flex items-center justify-between gap-2">
              Light, dark, or follow the system. <ThemeToggle />
            </CardDescription>
          </CardHeader>
        </Card>
      </div>
    </>
  );
}

function SettingsLink({ href, icon: Icon, title, description }: { href: string; icon: typeof Users; title: string; description: string }) {
  return (
    <Link href={href} className="focus-visible:ring-ring rounded-xl outline-none focus-visible:ring-2">
      <Card className="hover:bg-accent/50 h-full transition-colors">
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <Icon className="size-4" aria-hidden /> {title}
          </CardTitle>
          <CardDescription>{description}</CardDescription>
        </CardHeader>
      </Card>
    </Link>
  );
}
