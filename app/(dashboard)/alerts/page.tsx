import Link from "next/link";
import { BellRing, History, TriangleAlert } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { readAlertEngineHealth } from "@/lib/alerts/engine-health";
import { listActiveAlerts, listActiveSilences, listAlertHistory } from "@/lib/alerts/queries";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { getEnv } from "@/lib/env";
import { readPollerHealth } from "@/lib/poller/health";
import { ActiveAlertsTable } from "./active-alerts-table";
import { AlertEngineWarnings, alertsAreCurrent } from "./alert-engine-warnings";
import { utc } from "./alert-format";
import { AlertHistoryTable } from "./alert-history-table";
import { AutoRefresh } from "./auto-refresh";
import { SilencesList } from "./silences-list";

export const metadata = { title: "Alerts" };
export const dynamic = "force-dynamic";

export default async function AlertsPage() {
  const user = await requirePagePermission("replication.read", "/alerts");
  const db = getDb();
  const now = new Date();
  const [active, silences, history, clusters, engine, poller] = await Promise.all([
    listActiveAlerts(db, now),
    listActiveSilences(db, now),
    listAlertHistory(db),
    db.cluster.findMany({ where: { enabled: true }, select: { name: true } }),
    readAlertEngineHealth(db, now),
    readPollerHealth(db, now, { intervalSeconds: getEnv().POLL_INTERVAL_SECONDS }),
  ]);
  const canManage = can(user.role, "alert.manage");
  const lastEvaluation = engine.find((h) => h.job === "evaluate")?.lastOkAt ?? null;
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
      <AlertEngineWarnings engine={engine} poller={poller} />
      <section aria-labelledby="active-heading" className="mb-8">
        <h2 id="active-heading" className="mb-3 text-lg font-semibold">
          Active ({active.length})
        </h2>
        {active.length > 0 ? (
          <ActiveAlertsTable alerts={active} canManage={canManage} />
        ) : clusters.length === 0 ? (
          <EmptyState icon={BellRing} title="Nothing is watched yet" description="Connect a cluster: alerts are evaluated from what the poller reads." />
        ) : alertsAreCurrent(engine, poller) ? (
          <EmptyState icon={BellRing} title="No active alerts" description={`Every rule was clear at the last evaluation (${utc(lastEvaluation)}).`} />
        ) : (
          // Never a calm "no alerts" while the rules are not evaluated or the poller is behind.
          <EmptyState icon={TriangleAlert} title="Not known" description="No alert is open, but the rules cannot be trusted right now: see the warning above." />
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
