import { Server } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";

export const metadata = { title: "Clusters" };

export default async function ClustersPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Clusters" description="The Proxmox VE clusters pve-standby reads, with their nodes, quorum and storage." />
      <EmptyState
        icon={Server}
        title="No clusters connected"
        description={
          can(user.role, "cluster.manage")
            ? "Connecting a cluster needs its address, an API token with PVEAuditor rights (PVEVMAdmin to manage replication), and a confirmation of its certificate fingerprint."
            : "Only admins can connect clusters. Once one is connected, its nodes and guests appear here."
        }
      />
    </>
  );
}
