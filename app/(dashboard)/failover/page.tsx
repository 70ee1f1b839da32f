import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { OperationsList } from "./operations-list";

export const metadata = { title: "Failover" };

export default async function FailoverPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Failover" description="Planned migrations and recovery from a dead node, step by step, with the data-loss window shown before you commit." />
      <OperationsList canExecute={can(user.role, "failover.execute")} />
    </>
  );
}
