import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { StatusBadge } from "@/components/status-badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { describePresence } from "@/lib/clusters/guest-presence";
import type { FailoverCluster, OutageGuestView, OutageView } from "@/lib/failover/failover-queries";
import { noCopyYetText } from "@/lib/failover/outage";
import { formatDuration } from "@/lib/replication/format-duration";
import { formatAgo, formatDateTime } from "@/lib/replication/format-time";
import { FailbackPanel, HoldAllButton } from "./failback-panel";
import { HaTimeline } from "./ha-timeline";
import { RecoverDialog } from "./recover/recover-dialog";
import { RecoverNodeDialog } from "./recover/recover-node-dialog";

const FAILED_AT_FROM: Record<string, string> = {
  lrm: "from its HA agent's last report",
  poll: "the last poll that saw it online; the failure came after",
  detected: "when it was first seen offline",
};

/** One dead node: when it failed, and for each of its guests the data-loss window and HA's recovery. */
export function DownNode({ cluster, outage, canAct }: { cluster: FailoverCluster; outage: OutageView; canAct: boolean }) {
  const live = outage.endedAt === null;
  const unheld = outage.guests.filter((g) => g.failback && !g.failback.hold && !g.failback.syncedBackAt).map((g) => g.vmid);
  return (
    <Card className="py-4" data-testid={`down-node-${outage.node}`}>
      <CardHeader className="px-4">
        <CardTitle className="flex flex-wrap items-center gap-2 text-base">
          {outage.node} in {cluster.name}
          <StatusBadge status={live ? "fail" : "ok"}>{live ? "Offline" : "Back online"}</StatusBadge>
          {cluster.quorate === false && <StatusBadge status="fail">No quorum</StatusBadge>}
        </CardTitle>
        <CardDescription>
          Failed at <LocalTime at={outage.failedAt} /> ({FAILED_AT_FROM[outage.failedAtFrom] ?? outage.failedAtFrom}), {formatDuration(cluster.clusterNow - outage.failedAt)} ago
          {!live && outage.endedAt && (
            <>
              ; back at <LocalTime at={outage.endedAt} />
            </>
          )}
          . {outage.guests.length} guest{outage.guests.length === 1 ? "" : "s"} ran there.
        </CardDescription>
        {live && canAct && outage.guests.some((g) => !g.recoveredTo) && (
          <div className="pt-2">
            <RecoverNodeDialog clusterId={cluster.id} node={outage.node} />
          </div>
        )}
      </CardHeader>
      <CardContent className="flex flex-col gap-4 px-4">
        {canAct && unheld.length > 1 && <HoldAllButton clusterId={cluster.id} node={outage.node} vmids={unheld} />}
        {outage.guests.length === 0 && <p className="text-muted-foreground text-sm">No guest ran on {outage.node}: nothing to recover.</p>}
        {outage.guests.map((g) => (
          <OutageGuestRow key={g.vmid} clusterId={cluster.id} outage={outage} guest={g} clusterNow={cluster.clusterNow} canAct={canAct} />
        ))}
      </CardContent>
    </Card>
  );
}

function OutageGuestRow({ clusterId, outage, guest, clusterNow, canAct }: { clusterId: string; outage: OutageView; guest: OutageGuestView; clusterNow: number; canAct: boolean }) {
  const presence = guest.current?.presence;
  const where = guest.recoveredTo ? `runs on ${guest.recoveredTo}` : presence ? describePresence(presence, (t) => formatDateTime(t)) : "no longer in the cluster";
  return (
    <section aria-label={`${guest.name ?? guest.sid} (${guest.vmid})`} className="flex flex-col gap-3 rounded-md border p-3" data-testid={`outage-guest-${guest.vmid}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <Link href={`/clusters/${clusterId}/guests/${guest.vmid}`} className="font-medium hover:underline">
            {guest.name ?? `Guest ${guest.vmid}`}
          </Link>{" "}
          <span className="text-muted-foreground text-xs">
            {guest.type === "lxc" ? "CT" : "VM"} {guest.vmid} · was {guest.statusBefore} · {guest.haManaged ? "HA-managed" : "not HA-managed"}
          </span>
        </div>
        <GuestOutcome guest={guest} where={where} />
      </div>
      <DataLoss guest={guest} backNode={outage.endedAt !== null && !guest.recoveredTo ? outage.node : null} />
      {guest.jobs.map((j) => (
        <p key={j.id} className="text-sm">
          <Link href={`/replication/${j.id}`} className="hover:underline">
            Job {j.jobId}
          </Link>{" "}
          {j.source ?? "?"} → {j.target}:{" "}
          {j.lastSync ? `last sync ${formatAgo(j.lastSync, clusterNow)}` : noCopyYetText(j.target, j.targetOnline)}
          {j.lagSeconds !== null && j.lastSync === null && <span className="text-muted-foreground"> · unprotected for {formatDuration(j.lagSeconds)}</span>}
        </p>
      ))}
      {guest.haManaged && <HaTimeline outage={outage} guest={guest} />}
      {guest.failback && <FailbackPanel clusterId={clusterId} vmid={guest.vmid} view={guest.failback} nodeOnline={outage.nodeOnline === true} clusterNow={clusterNow} canAct={canAct} />}
      {!guest.guard.allowed && (
        <p className="text-muted-foreground text-sm" data-testid="move-refused">
          {canAct ? "No manual move offered: " : ""}
          {guest.guard.reason}
        </p>
      )}
      {!guest.haManaged && guest.current?.node === outage.node && outage.endedAt === null && (
        <div className="flex flex-wrap items-center gap-3">
          <p className="text-muted-foreground text-sm">Not HA-managed: nothing brings it back by itself.</p>
          {canAct && guest.guard.allowed && <RecoverDialog clusterId={clusterId} node={outage.node} vmid={guest.vmid} name={guest.name} />}
        </div>
      )}
    </section>
  );
}

function GuestOutcome({ guest, where }: { guest: OutageGuestView; where: string }) {
  if (guest.problem) return <StatusBadge status="fail">{guest.recoveredTo ? `On ${guest.recoveredTo}, no replica` : "HA failed"}</StatusBadge>;
  if (guest.startedAt) return <StatusBadge status="ok">Started on {guest.recoveredTo}</StatusBadge>;
  if (guest.recoveredTo) return <StatusBadge status="syncing">Recovered to {guest.recoveredTo}, starting</StatusBadge>;
  if (guest.haManaged) return <StatusBadge status="syncing">HA recovery under way</StatusBadge>;
  return <StatusBadge status="unknown">{where}</StatusBadge>;
}

/** `backNode`: the guest stayed on its node and the node is back, disks and all: nothing was lost. */
function DataLoss({ guest, backNode }: { guest: OutageGuestView; backNode: string | null }) {
  const loss = guest.dataLoss;
  if (backNode) {
    return (
      <p className="text-sm" data-testid="data-loss">
        It stayed on {backNode}, which is back with its disks: nothing was lost{loss.kind === "no-replica" ? ", but it still has no replica anywhere" : ""}.
      </p>
    );
  }
  if (loss.kind === "no-replica") {
    return (
      <p className="text-status-fail text-sm" data-testid="data-loss">
        {loss.text}.
      </p>
    );
  }
  return (
    <p className="text-sm" data-testid="data-loss">
      <span className="font-medium">Data-loss window: {formatDuration(loss.seconds)}</span> ({loss.seconds} seconds
      {loss.exact ? "" : " at least"}): the copy on {loss.target} is from <LocalTime at={loss.lastSync} />, the failure at <LocalTime at={loss.failedAt} />. Writes in between exist
      only on the dead node.
    </p>
  );
}
