import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listClustersForUi } from "@/lib/clusters/queries";
import { getDb } from "@/lib/db/app-db";
import { AddClusterButton } from "./add-cluster-button";
import { ClusterList } from "./cluster-list";

export const metadata = { title: "Clusters" };

export default async function ClustersPage() {
  const user = await requireUser();
  const canManage = can(user.role, "cluster.manage");
  const clusters = await listClustersForUi(getDb());
  return (
    <>
      <PageHeader
        title="Clusters"
        description="The Proxmox VE clusters pve-standby reads, with their nodes, quorum and storage."
        actions={canManage ? <AddClusterButton /> : undefined}
      />
      <ClusterList initial={clusters} canManage={canManage} />
    </>
  );
}
