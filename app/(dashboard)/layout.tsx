import { AppNav } from "@/components/app-nav";
import { Brand } from "@/components/brand";
import { SiteHeader } from "@/components/site-header";
import { requireUser } from "@/lib/auth/session";
import { redirectToSetupIfNoUsers } from "@/lib/auth/setup-gate";

// No loading.tsx at this level on purpose: a streamed fallback commits status 200 before a page
// can answer 403 with forbidden(). Segments that need one put it beside their page.
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  await redirectToSetupIfNoUsers();
  // Pages enforce the forced password change themselves; the change page lives under this layout.
  const user = await requireUser({ allowPasswordChange: true });
  return (
    <div className="flex min-h-dvh">
      {/* The aside stretches to the page's full height (its background with it); its content stays in view. */}
      <aside className="bg-sidebar text-sidebar-foreground hidden w-60 shrink-0 border-r md:block">
        <div className="sticky top-0 flex max-h-dvh flex-col gap-6 overflow-y-auto p-4">
          <Brand />
          <AppNav role={user.role} />
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <SiteHeader user={user} />
        <main id="main" className="mx-auto w-full max-w-7xl flex-1 p-4 md:p-6">
          {children}
        </main>
      </div>
    </div>
  );
}
