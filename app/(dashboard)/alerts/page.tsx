import Link from "next/link";
import { BellRing, History } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { listActiveAlerts, listActiveSilences, listAlertHistory } from "@/lib/alerts/queries";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { ActiveAlertsTable } from "./active-alerts-table";
import { AlertHistoryTable } from "./alert-history-table";
import { AutoRefresh } from "./auto-refresh";
import { SilencesList } from "./silences-list";

export const metadata = { title: "Alerts" };
export const dynamic = "force-dynamic";

export default async function AlertsPage() {
  const user = await requirePagePermission("replication.read", "/alerts");
  const db = getDb();
  const now = new Date();
  const [active, silences, history, clusters] = await Promise.all([
    listActiveAlerts(db, now),
    listActiveSilences(db, now),
    listAlertHistory(db),
    db.cluster.findMany({ where: { enabled: true }, select: { name: true, lastPollAt: true } }),
  ]);
  const canManage = can(user.role, "alert.manage");
  const lastPoll = clusters.map((c) => c.lastPollAt).filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
  return (
    <>
      <AutoRefresh seconds={10} />
      <PageHeader
        title="Alerts"
        description="Failed replication runs, copies older than their RPO, nodes and clusters that stop answering. Rules are evaluated after every poll and on every notification Proxmox pushes."
        actions={
          canManage ? (
            <Button asChild variant="outline">
              <Link href="/settings/alerts">Rules and channels</Link>
            </Button>
          ) : undefined
        }
      />
      <section aria-labelledby="active-heading" className="mb-8">
        <h2 id="active-heading" className="mb-3 text-lg font-semibold">
          Active ({active.length})
        </h2>
        {active.length > 0 ? (
          <ActiveAlertsTable alerts={active} canManage={canManage} />
        ) : clusters.length === 0 ? (
          <EmptyState icon={BellRing} title="Nothing is watched yet" description="Connect a cluster: alerts are evaluated from what the poller reads." />
        ) : (
          <EmptyState
            icon={BellRing}
            title="No active alerts"
            description={lastPoll ? `Every rule was clear at the last evaluation. Last poll: ${lastPoll.toISOString().replace("T", " ").slice(0, 19)} UTC.` : "No cluster has been polled yet, so nothing is known."}
          />
        )}
      </section>
      {silences.length > 0 && <SilencesList silences={silences} canManage={canManage} />}
      <section aria-labelledby="history-heading">
        <h2 id="history-heading" className="mb-3 text-lg font-semibold">
          History
        </h2>
        {history.length > 0 ? <AlertHistoryTable alerts={history} /> : <EmptyState icon={History} title="No resolved alerts yet" />}
      </section>
    </>
  );
}
