import { Bell } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata = { title: "Alerts" };

export default async function AlertsPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Alerts" description="Failed replication runs and copies that fall behind their RPO." />
      <EmptyState
        icon={Bell}
        title="No alerts"
        description="Alerts appear here when a replication job fails or its lag passes the job's RPO. Connect a cluster to start watching."
      />
    </>
  );
}
