import { ShieldAlert } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata = { title: "Failover" };

export default async function FailoverPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Failover" description="Planned migrations and recovery from a dead node, step by step, with the data-loss window shown before you commit." />
      <EmptyState
        icon={ShieldAlert}
        title="Nothing to fail over yet"
        description="Failover works on replicated guests. Connect a cluster and protect a guest with a replication job first."
      />
    </>
  );
}
