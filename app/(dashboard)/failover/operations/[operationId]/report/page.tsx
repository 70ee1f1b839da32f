import Link from "next/link";
import { notFound } from "next/navigation";
import { ChevronLeft } from "lucide-react";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requirePagePermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { getOperationTimeline, getOperationView } from "@/lib/failover/queries";
import { OperationStateBadge, utc } from "../../operation-state";
import { groupByGuest } from "../../group-by-guest";
import { StepList } from "../step-list";
import { PrintButton } from "./print-button";
import { describeEvent, finalPlacement } from "./report-text";

export const metadata = { title: "Failover report" };

// A4 portrait: the app's chrome is hidden, logs are printed in full, sections do not split.
const PRINT_CSS = `
@media print {
  @page { size: A4 portrait; margin: 14mm 12mm; }
  html, body { background: white !important; color: black !important; font-size: 10pt; }
  aside, header, [data-print-hidden] { display: none !important; }
  main { max-width: none !important; padding: 0 !important; }
  section { break-inside: avoid-page; }
  pre { white-space: pre-wrap !important; word-break: break-all; max-height: none !important; overflow: visible !important; }
  table { font-size: 8.5pt; }
}`;

export default async function OperationReportPage({ params }: { params: Promise<{ operationId: string }> }) {
  const user = await requirePagePermission("replication.read", "/failover");
  const { operationId } = await params;
  const db = getDb();
  const view = await getOperationView(db, operationId, user.id);
  if (!view) notFound();
  const timeline = await getOperationTimeline(db, operationId);
  const lanes = groupByGuest(view);
  return (
    <article className="flex flex-col gap-6" data-testid="failover-report">
      <style>{PRINT_CSS}</style>
      <div className="flex flex-wrap items-center justify-between gap-2" data-print-hidden>
        <Link href={`/failover/operations/${view.id}`} className="text-muted-foreground hover:text-foreground inline-flex w-fit items-center gap-1 text-sm">
          <ChevronLeft className="size-4" aria-hidden /> Operation
        </Link>
        <PrintButton />
      </div>
      <div className="grid gap-1" data-report-header>
        <p className="text-muted-foreground text-sm">Failover report · pve-standby</p>
        <h1 className="text-2xl font-semibold tracking-tight">{view.title}</h1>
        <p className="text-sm">
          Cluster {view.clusterName} · started by {view.createdByLabel} at {utc(view.createdAt)}
          {view.endedAt ? ` · ended ${utc(view.endedAt)}` : " · not ended"}
        </p>
        <div>
          <OperationStateBadge state={view.state} />
        </div>
      </div>

      <section className="grid gap-2">
        <h2 className="text-lg font-semibold">Outcome</h2>
        <p className="text-sm">{view.summary ?? "The operation has not ended yet; this report shows it so far."}</p>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Guest</TableHead>
              <TableHead>Planned</TableHead>
              <TableHead>Final state</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {view.plan.guests.map((g) => (
              <TableRow key={g.vmid}>
                <TableCell>{g.vmid}{g.name && ` (${g.name})`}</TableCell>
                <TableCell>{g.source} → {g.target || "where HA recovers it"}</TableCell>
                <TableCell className="whitespace-normal">{finalPlacement(view, g)}</TableCell>
              </TableRow>
            ))}
            {view.plan.leftAlone.map((l) => (
              <TableRow key={l.vmid}>
                <TableCell>{l.vmid}{l.name && ` (${l.name})`}</TableCell>
                <TableCell>{view.kind === "node-recovery" ? "not recoverable" : "left alone"}</TableCell>
                <TableCell className="whitespace-normal">Stays on {view.sourceNode}: {l.reason}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </section>

      <section className="grid gap-2">
        <h2 className="text-lg font-semibold">Data-loss window</h2>
        {view.kind === "recovery" || view.kind === "node-recovery" ? (
          <ul className="grid gap-1 text-sm" data-testid="data-loss">
            {view.dataLoss.map((d) => (
              <li key={d.vmid}>
                <span className="font-medium">{d.vmid}</span>: {d.text}
                {d.seconds !== null && ` (${d.seconds} s)`}.
              </li>
            ))}
            {view.plan.leftAlone.map((l) => (
              <li key={l.vmid}>
                <span className="font-medium">{l.vmid}</span>: not recovered; its data is on {view.sourceNode} only until it returns.
              </li>
            ))}
            {view.dataLoss.length === 0 && view.plan.leftAlone.length === 0 && <li>No recovery checklist has run yet.</li>}
          </ul>
        ) : view.kind === "failback" ? (
          <p className="text-sm" data-testid="data-loss">
            A failback hold moves no guest. What {view.sourceNode} wrote after its last sync before it failed is kept or discarded per guest, as chosen above and recorded in the timeline.
          </p>
        ) : (
          <p className="text-sm" data-testid="data-loss">
            None (0 seconds). A planned switch-over runs while the source node is up: Proxmox replicates the guest once more during the migration and
            moves it only after the last writes reached {view.plan.guests.map((g) => g.target).filter((t, i, a) => a.indexOf(t) === i).join(" and ") || "the target"}.
            A migration that failed left the guest running where it was, with nothing lost.
          </p>
        )}
      </section>

      {view.plan.acceptedWarnings.length > 0 && (
        <section className="grid gap-2">
          <h2 className="text-lg font-semibold">Warnings accepted at confirmation</h2>
          <ul className="list-disc pl-5 text-sm">
            {view.plan.acceptedWarnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </section>
      )}

      <section className="grid gap-2">
        <h2 className="text-lg font-semibold">Timeline: who did what</h2>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>When (UTC)</TableHead>
              <TableHead>Who</TableHead>
              <TableHead>What</TableHead>
              <TableHead>Result</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {timeline.map((e, i) => (
              <TableRow key={i} data-testid="timeline-row">
                <TableCell className="font-mono text-xs whitespace-nowrap">{e.at.replace("T", " ").slice(0, 19)}</TableCell>
                <TableCell className="text-xs whitespace-normal">{e.actor}</TableCell>
                <TableCell className="text-sm whitespace-normal">{describeEvent(e)}</TableCell>
                <TableCell className="text-xs">{e.outcome}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </section>

      {lanes.map((lane) => (
        <section key={lane.vmid} className="grid gap-2">
          <h2 className="text-lg font-semibold">{lane.label}: checks, tasks and logs</h2>
          <StepList steps={lane.steps} print />
        </section>
      ))}
    </article>
  );
}
