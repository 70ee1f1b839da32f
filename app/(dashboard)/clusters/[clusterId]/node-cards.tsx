import { StatusBadge } from "@/components/status-badge";
import { LocalTime } from "@/components/local-time";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { formatBytes } from "@/lib/replication/format-bytes";
import type { ClusterReplication } from "@/lib/replication/queries";
import { cn } from "@/lib/utils";

export function NodeCards({ nodes }: { nodes: ClusterReplication["nodes"] }) {
  return (
    <section aria-labelledby="nodes-heading" className="flex flex-col gap-3">
      <h2 id="nodes-heading" className="text-lg font-semibold">
        Nodes <span className="text-muted-foreground text-sm font-normal">{nodes.filter((n) => n.online).length} of {nodes.length} online</span>
      </h2>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {nodes.map((node) => (
          <Card key={node.name} className="gap-3 py-4">
            <CardHeader className="flex flex-row items-center justify-between px-4">
              <CardTitle className="text-base">{node.name}</CardTitle>
              <StatusBadge status={node.online ? "ok" : "fail"}>{node.online ? "Online" : "Offline"}</StatusBadge>
            </CardHeader>
            <CardContent className="flex flex-col gap-2 px-4 text-sm">
              <p className="text-muted-foreground text-xs">
                {node.ip ?? "address unknown"} · {node.guests} guest{node.guests === 1 ? "" : "s"}
                {!node.online && node.lastSeenAt && (
                  <>
                    {" · last seen "}
                    <LocalTime at={Date.parse(node.lastSeenAt) / 1000} />
                  </>
                )}
              </p>
              {node.zfs.length === 0 ? (
                <p className="text-muted-foreground text-xs">ZFS usage not read yet.</p>
              ) : (
                node.zfs.map((s) => <ZfsFill key={s.storage} name={s.storage} used={s.used} total={s.total} />)
              )}
            </CardContent>
          </Card>
        ))}
      </div>
    </section>
  );
}

function ZfsFill({ name, used, total }: { name: string; used?: number; total?: number }) {
  const ratio = used !== undefined && total ? used / total : null;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex justify-between text-xs">
        <span className="font-mono">{name}</span>
        <span className="text-muted-foreground tabular-nums">{ratio === null ? "—" : `${formatBytes(used)} of ${formatBytes(total)}`}</span>
      </div>
      {ratio !== null && (
        <div role="meter" aria-label={`${name} ${Math.round(ratio * 100)}% full`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(ratio * 100)} className="bg-muted h-1.5 overflow-hidden rounded-full">
          <div className={cn("h-full rounded-full", ratio > 0.9 ? "bg-status-fail" : ratio > 0.8 ? "bg-status-warn" : "bg-status-ok")} style={{ width: `${Math.max(2, ratio * 100)}%` }} />
        </div>
      )}
    </div>
  );
}
