import Link from "next/link";
import { Server } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { Button } from "@/components/ui/button";

export function NoClusters({ canManage }: { canManage: boolean }) {
  return (
    <EmptyState
      icon={Server}
      title="No clusters yet"
      description={
        canManage
          ? "Add a Proxmox VE cluster with an API token. pve-standby starts recording replication history as soon as it can read the cluster."
          : "An admin has to add a Proxmox VE cluster before there is anything to show. Ask one of your admins."
      }
      action={
        canManage ? (
          <Button asChild>
            <Link href="/clusters">Add a cluster</Link>
          </Button>
        ) : undefined
      }
    />
  );
}
