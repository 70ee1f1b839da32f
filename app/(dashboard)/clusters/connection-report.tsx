import { ShieldAlert, TriangleAlert } from "lucide-react";
import { StatusBadge, type StatusTone } from "@/components/status-badge";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { ERROR_KIND_TITLES } from "@/lib/clusters/cluster-status";
import type { ConnectionFailure } from "@/lib/clusters/connection-errors";
import type { ConnectionReportView, ConnectionTestResult } from "@/lib/clusters/connection";
import { Fingerprint } from "./fingerprint";

const FEATURE_TONE: Record<"ok" | "partial" | "missing", StatusTone> = { ok: "ok", partial: "warn", missing: "fail" };
const FEATURE_WORD = { ok: "OK", partial: "Partial", missing: "Missing" };

/** The result of the wizard's connection test: the failure, loud, or what the cluster told us. */
export function ConnectionReport({ result, pinsNodes }: { result: ConnectionTestResult; pinsNodes: boolean }) {
  if (!result.ok) return <FailureAlert failure={result.failure} />;
  return <ReportDetails report={result.report} pinsNodes={pinsNodes} />;
}

function FailureAlert({ failure }: { failure: ConnectionFailure }) {
  const certificate = failure.kind === "certificate";
  return (
    <Alert variant="destructive" className={certificate ? "border-destructive border-2" : undefined}>
      {certificate ? <ShieldAlert aria-hidden /> : <TriangleAlert aria-hidden />}
      {/* At test time nothing "changed" yet: the presented certificate just is not the one given. */}
      <AlertTitle className="line-clamp-none">{certificate ? "Certificate does not match: connection refused" : ERROR_KIND_TITLES[failure.kind]}</AlertTitle>
      <AlertDescription>
        <p className="wrap-anywhere">{failure.message}</p>
        {failure.expected && (
          <dl className="grid w-full gap-1 text-xs">
            <dt className="font-medium">Pinned (expected)</dt>
            {failure.expected.map((fp) => (
              <dd key={fp}>
                <Fingerprint value={fp} />
              </dd>
            ))}
            <dt className="font-medium">Presented now</dt>
            <dd>
              <Fingerprint value={failure.presented?.[0] ?? "no certificate"} />
            </dd>
          </dl>
        )}
      </AlertDescription>
    </Alert>
  );
}

function ReportDetails({ report, pinsNodes }: { report: ConnectionReportView; pinsNodes: boolean }) {
  const quorum = report.quorum;
  return (
    <div className="grid gap-4 text-sm">
      <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[10rem_1fr]">
        <dt className="text-muted-foreground">Proxmox VE</dt>
        <dd>
          {report.version.version} <span className="text-muted-foreground">(release {report.version.release})</span>
        </dd>
        <dt className="text-muted-foreground">Answered by</dt>
        <dd className="font-mono">{report.endpoint}</dd>
        <dt className="text-muted-foreground">Quorum</dt>
        <dd>
          {!quorum ? (
            <StatusBadge status="unknown">Unknown (needs Sys.Audit on /)</StatusBadge>
          ) : !quorum.clustered ? (
            <StatusBadge status="ok">Single node</StatusBadge>
          ) : quorum.quorate ? (
            <StatusBadge status="ok">Quorate{quorum.name ? ` (${quorum.name})` : ""}</StatusBadge>
          ) : (
            <StatusBadge status="fail">Not quorate</StatusBadge>
          )}
        </dd>
      </dl>

      <section aria-labelledby="report-nodes" className="grid gap-2">
        <h3 id="report-nodes" className="font-medium">
          Nodes ({report.nodes.length})
        </h3>
        {pinsNodes && (
          <p className="text-muted-foreground text-xs">
            Saving pins every node&apos;s certificate below as well: the list came over the connection to the certificate you confirmed.
          </p>
        )}
        <ul className="grid gap-2">
          {report.nodes.map((n) => (
            <li key={n.name} className="grid gap-1 rounded-md border p-2 sm:grid-cols-[8rem_6rem_1fr] sm:items-center">
              <span className="font-medium">{n.name}</span>
              <span>
                <StatusBadge status={n.status === "online" ? "ok" : "fail"}>{n.status}</StatusBadge>
              </span>
              {n.sslFingerprint ? <Fingerprint value={n.sslFingerprint} /> : <span className="text-muted-foreground text-xs">no fingerprint reported</span>}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="report-privileges" className="grid gap-2">
        <h3 id="report-privileges" className="font-medium">
          Privileges per feature
        </h3>
        <ul className="grid gap-2">
          {report.features.map((f) => (
            <li key={f.feature} className="rounded-md border p-2">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <span>{f.label}</span>
                <StatusBadge status={FEATURE_TONE[f.status]}>{FEATURE_WORD[f.status]}</StatusBadge>
              </div>
              {f.missing.length > 0 && (
                <div className="text-muted-foreground mt-1 grid gap-0.5 text-xs">
                  <span>
                    Missing: {f.missing.map((m) => `${m.privilege} on ${m.path}`).join(", ")}
                    {f.status === "partial" && " (granted only on some guests)"}
                  </span>
                  <span>
                    Smallest role: <strong className="text-foreground">{f.smallestRole}</strong> on /
                    {f.perPathRoles.length > 1 && <> — or {f.perPathRoles.map((r) => `${r.role} on ${r.path}`).join(" + ")}</>}
                  </span>
                </div>
              )}
            </li>
          ))}
        </ul>
      </section>

      {report.warnings.length > 0 && (
        <Alert variant="warning" role="status">
          <TriangleAlert aria-hidden />
          <AlertTitle>Some reads were refused</AlertTitle>
          <AlertDescription>
            <ul className="list-disc pl-4">
              {report.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </AlertDescription>
        </Alert>
      )}
    </div>
  );
}
