"use client";

import { useQuery } from "@tanstack/react-query";
import { ReadinessBadge, ReadinessReasons } from "@/components/readiness-reasons";
import { StatusBadge } from "@/components/status-badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { readinessQuery } from "@/lib/query/failover-readiness";
import { formatBytes } from "@/lib/replication/format-bytes";
import { formatAgo } from "@/lib/replication/format-time";

const COVERAGE_WORDS = {
  replicated: { label: "Replicated", tone: "ok" },
  shared: { label: "Shared storage", tone: "ok" },
  cdrom: { label: "CD-ROM, not needed", tone: "unknown" },
  excluded: { label: "No replica (replicate=0)", tone: "fail" },
  "not-replicable": { label: "No replica (not ZFS)", tone: "fail" },
  unknown: { label: "Unknown", tone: "warn" },
} as const;

/** Failover readiness of one guest: the verdict, each reason, its replicas, disks and HA. */
export function ReadinessPanel({ clusterId, vmid }: { clusterId: string; vmid: number }) {
  const { data, error } = useQuery(readinessQuery(clusterId, vmid));
  const guest = data?.guests[0];
  return (
    <Card className="py-4" aria-labelledby="readiness-heading" data-testid="readiness-panel">
      <CardHeader className="px-4">
        <CardTitle id="readiness-heading" className="flex items-center gap-2 text-base">
          Failover readiness {guest && <ReadinessBadge readiness={guest.readiness} />}
        </CardTitle>
        <CardDescription>Whether this guest could run on another node if its node died now, and what would be lost.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4 px-4">
        {!data && !error && <p className="text-muted-foreground text-sm">Reading readiness…</p>}
        {error && <p className="text-status-fail text-sm">Readiness could not be read: {error.message}</p>}
        {data && !guest && <p className="text-muted-foreground text-sm">This guest is not in the cluster any more: no readiness to assess.</p>}
        {data?.ha.error && <p className="text-status-warn text-sm">HA could not be read at the last poll ({data.ha.error}); HA facts below may be old.</p>}
        {guest && (
          <>
            <ReadinessReasons reasons={guest.readiness.reasons} />
            <div className="grid gap-4 md:grid-cols-3">
              <section aria-label="Replicas" className="flex flex-col gap-1 text-sm">
                <h3 className="font-medium">Replicas</h3>
                {guest.readiness.replicas.length === 0 && <p className="text-muted-foreground">None.</p>}
                {guest.readiness.replicas.map((r) => (
                  <p key={r.jobId}>
                    {r.target}: {r.lastSync ? `copy from ${formatAgo(r.lastSync, data.clusterNow)}` : "no copy yet"}
                    {r.room.map((s) => (
                      <span key={s.storage} className="text-muted-foreground">
                        {" "}
                        · {s.storage} {formatBytes(s.freeBytes)} free
                      </span>
                    ))}
                  </p>
                ))}
              </section>
              <section aria-label="Disks" className="flex flex-col gap-1 text-sm">
                <h3 className="font-medium">Disks</h3>
                {guest.readiness.disks === null && <p className="text-muted-foreground">Not read yet.</p>}
                {guest.readiness.disks?.map((d) => (
                  <p key={d.key} className="flex flex-wrap items-center gap-2">
                    <span className="font-mono text-xs">{d.key}</span>
                    {d.sizeBytes !== null && <span className="text-muted-foreground text-xs">{formatBytes(d.sizeBytes)}</span>}
                    <StatusBadge status={COVERAGE_WORDS[d.coverage.kind].tone}>{COVERAGE_WORDS[d.coverage.kind].label}</StatusBadge>
                  </p>
                ))}
              </section>
              <section aria-label="High availability" className="flex flex-col gap-1 text-sm">
                <h3 className="font-medium">HA</h3>
                {!guest.readiness.ha.managed ? (
                  <p>{guest.readiness.ha.state === "ignored" ? "Ignored by HA" : "Not HA-managed"}</p>
                ) : (
                  <>
                    <p>
                      {guest.readiness.ha.sid}, requested {guest.readiness.ha.state}
                    </p>
                    <p className="text-muted-foreground">
                      Recovery to: {guest.readiness.ha.tiers.map((t) => t.join(" or ")).join(", then ") || "no other node"}
                    </p>
                  </>
                )}
              </section>
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
