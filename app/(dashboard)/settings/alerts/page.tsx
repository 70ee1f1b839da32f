import { PageHeader } from "@/components/page-header";
import { alertAppContext } from "@/lib/alerts/app-deps";
import { listChannels } from "@/lib/alerts/channels/channel-store";
import { listMetricsTokens } from "@/lib/alerts/metrics/tokens";
import { listPushTargets } from "@/lib/alerts/push/push-targets";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { ChannelsSection } from "./channels-section";
import { MetricsSection } from "./metrics-section";
import { PushSection } from "./push-section";
import { RulesSection } from "./rules-section";

export const metadata = { title: "Alert settings" };
export const dynamic = "force-dynamic";

export default async function AlertSettingsPage() {
  const user = await requirePagePermission("alert.manage", "/settings/alerts");
  const db = getDb();
  const ctx = alertAppContext();
  const [channels, settings, clusters, tokens, push] = await Promise.all([
    listChannels(db, ctx.encryptionKey),
    db.alertRuleSetting.findMany(),
    db.cluster.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }),
    listMetricsTokens(db),
    listPushTargets(db, ctx.appUrl),
  ]);
  return (
    <>
      <PageHeader title="Alert settings" description="Where notifications go, when rules fire, the Prometheus token, and Proxmox's push notifications." />
      <div className="grid gap-10">
        <ChannelsSection channels={channels} />
        <RulesSection settings={settings.map((s) => ({ scope: s.scope, scopeId: s.scopeId, rule: s.rule, enabled: s.enabled, threshold: s.threshold, repeatSeconds: s.repeatSeconds, clearAfterSeconds: s.clearAfterSeconds }))} clusters={clusters} />
        <MetricsSection tokens={tokens} appUrl={ctx.appUrl} />
        <PushSection targets={push} canRegister={can(user.role, "cluster.manage")} />
      </div>
    </>
  );
}
