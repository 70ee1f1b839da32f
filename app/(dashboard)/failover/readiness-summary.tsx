import Link from "next/link";
import { ReadinessBadge, ReadinessReasons } from "@/components/readiness-reasons";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { FailoverCluster } from "@/lib/failover/failover-queries";

/** Readiness per cluster: counts, then every guest that is not plainly ready with its reasons. */
export function ReadinessSummary({ clusters }: { clusters: FailoverCluster[] }) {
  return (
    <section aria-labelledby="readiness-heading" className="flex flex-col gap-3" data-testid="readiness-summary">
      <h2 id="readiness-heading" className="text-lg font-semibold">
        Readiness
      </h2>
      {clusters.map((c) => {
        const r = c.readiness;
        if (!r) return null;
        const attention = r.guests.filter((g) => !g.template && g.readiness.verdict !== "ready");
        return (
          <Card key={c.id} className="py-4">
            <CardHeader className="px-4">
              <CardTitle className="text-base">{c.name}</CardTitle>
              <CardDescription>
                {r.summary.total === 0
                  ? "No guests read yet."
                  : `${r.summary.ready} ready, ${r.summary.warnings} ready with warnings, ${r.summary.notReady} not ready, of ${r.summary.total} guests.`}
                {r.ha.error && ` HA could not be read at the last poll (${r.ha.error}).`}
              </CardDescription>
            </CardHeader>
            <CardContent className="flex flex-col gap-3 px-4">
              {attention.map((g) => (
                <details key={g.vmid} className="rounded-md border p-3" data-testid={`readiness-${g.vmid}`}>
                  <summary className="flex cursor-pointer flex-wrap items-center gap-2 text-sm">
                    <Link href={`/clusters/${c.id}/guests/${g.vmid}`} className="font-medium hover:underline">
                      {g.name ?? `Guest ${g.vmid}`}
                    </Link>
                    <span className="text-muted-foreground text-xs">
                      {g.type === "lxc" ? "CT" : "VM"} {g.vmid} on {g.node}
                    </span>
                    <ReadinessBadge readiness={g.readiness} />
                    <span className="text-muted-foreground text-xs">{g.readiness.reasons.find((x) => x.level !== "info")?.text}</span>
                  </summary>
                  <ReadinessReasons reasons={g.readiness.reasons} className="mt-3" />
                </details>
              ))}
              {attention.length === 0 && r.summary.total > 0 && <p className="text-sm">Every guest is ready for a failover.</p>}
            </CardContent>
          </Card>
        );
      })}
    </section>
  );
}
