import Link from "next/link";
import { Server } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";

export const metadata = { title: "Overview" };

export default async function OverviewPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Overview" description="Every replicated guest across your clusters, its lag against its RPO, and what needs attention." />
      <EmptyState
        icon={Server}
        title="No clusters yet"
        description={
          can(user.role, "cluster.manage")
            ? "Add a Proxmox VE cluster with an API token. pve-standby starts recording replication history as soon as it can read the cluster."
            : "An admin has to add a Proxmox VE cluster before there is anything to show. Ask one of your admins."
        }
        action={
          can(user.role, "cluster.manage") ? (
            <Button asChild>
              <Link href="/clusters">Add a cluster</Link>
            </Button>
          ) : undefined
        }
      />
    </>
  );
}
