"use client";

import { ShieldAlert } from "lucide-react";
import { FormField } from "@/components/form-field";
import { StatusBadge } from "@/components/status-badge";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Checkbox } from "@/components/ui/checkbox";
import { Label } from "@/components/ui/label";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Textarea } from "@/components/ui/textarea";
import type { ProbeResult } from "@/lib/clusters/connection";
import type { ClusterSummary } from "@/lib/clusters/queries";
import type { FieldErrors } from "@/lib/http/form-errors";
import { Fingerprint } from "./fingerprint";
import type { TrustMode, WizardForm } from "./wizard-form";

// Step 2: what each address presented, and how the admin decides to trust it.
export function TrustStep({
  form,
  probe,
  errors,
  cluster,
  onChange,
}: {
  form: WizardForm;
  probe: ProbeResult[];
  errors: FieldErrors;
  cluster?: ClusterSummary;
  onChange: (change: Partial<WizardForm>) => void;
}) {
  const pinned = cluster?.trust.kind === "fingerprint" ? new Set(cluster.trust.fingerprints) : undefined;
  const anyOk = probe.some((r) => r.ok);
  const unpinned = pinned ? probe.filter((r) => r.ok && !pinned.has(r.certificate.fingerprint256)).map((r) => r.address) : [];
  return (
    <div className="grid gap-4">
      <ul className="grid gap-3" aria-label="Certificates presented">
        {probe.map((r) => (
          <li key={r.address} className="rounded-lg border p-3 text-sm">
            <div className="mb-2 flex flex-wrap items-center gap-2">
              <span className="font-mono font-medium">{r.address}</span>
              {r.ok && r.certificate.expired && <StatusBadge status="fail">Expired or not yet valid</StatusBadge>}
              {r.ok && r.certificate.trustedBySystem && <StatusBadge status="ok">Publicly trusted</StatusBadge>}
              {r.ok && pinned && (pinned.has(r.certificate.fingerprint256) ? <StatusBadge status="ok">Pinned</StatusBadge> : <StatusBadge status="warn">Not pinned</StatusBadge>)}
            </div>
            {r.ok ? (
              <dl className="grid gap-1 sm:grid-cols-[8rem_1fr]">
                <dt className="text-muted-foreground">SHA-256</dt>
                <dd>
                  <Fingerprint value={r.certificate.fingerprint256} />
                </dd>
                <dt className="text-muted-foreground">Subject</dt>
                <dd className="break-words">{r.certificate.subject}</dd>
                <dt className="text-muted-foreground">Issuer</dt>
                <dd className="break-words">{r.certificate.issuer}</dd>
                <dt className="text-muted-foreground">Valid</dt>
                <dd>
                  {r.certificate.validFrom.slice(0, 10)} to {r.certificate.validTo.slice(0, 10)}
                </dd>
              </dl>
            ) : (
              <p className="text-destructive">{r.failure.message}</p>
            )}
          </li>
        ))}
      </ul>

      {unpinned.length > 0 && (
        <Alert variant="destructive">
          <ShieldAlert aria-hidden />
          <AlertTitle className="line-clamp-none">Certificate not pinned: {unpinned.join(", ")}</AlertTitle>
          <AlertDescription>
            This is not a certificate pve-standby trusts for this cluster. If you expected it (a renewed certificate or a new node), check the
            fingerprint on the node and choose Confirm fetched. Otherwise keep the current pins and find out what answers at this address.
          </AlertDescription>
        </Alert>
      )}

      <Tabs value={form.trustMode} onValueChange={(v) => onChange({ trustMode: v as TrustMode })}>
        <span className="text-sm font-medium" id="trust-mode-label">
          Trust
        </span>
        <TabsList aria-labelledby="trust-mode-label" className="h-auto w-full flex-col items-stretch sm:h-9 sm:w-fit sm:flex-row">
          {cluster && <TabsTrigger value="keep">Keep current</TabsTrigger>}
          <TabsTrigger value="confirm">Confirm fetched</TabsTrigger>
          <TabsTrigger value="ca">Paste cluster CA</TabsTrigger>
          <TabsTrigger value="fingerprint">Paste fingerprint</TabsTrigger>
        </TabsList>
        {cluster && (
          <TabsContent value="keep" className="text-muted-foreground text-sm">
            {cluster.trust.kind === "ca"
              ? `The cluster CA stays the trust anchor (${cluster.trust.subject}).`
              : `The ${cluster.trust.fingerprints.length} pinned certificate fingerprint(s) stay as they are.`}
          </TabsContent>
        )}
        <TabsContent value="confirm" className="grid gap-2">
          {anyOk ? (
            <div className="flex items-start gap-3">
              <Checkbox id="confirm-fingerprint" checked={form.confirmed} onCheckedChange={(v) => onChange({ confirmed: v === true })} aria-invalid={Boolean(errors.fingerprints)} className="mt-0.5" />
              <Label htmlFor="confirm-fingerprint" className="block leading-snug font-normal">
                I compared the fingerprint(s) above with what Proxmox shows for the node (node → System → Certificates, or{" "}
                <code className="font-mono text-xs">pvenode cert info</code>) and they match.
              </Label>
            </div>
          ) : (
            <Alert variant="destructive">
              <ShieldAlert aria-hidden />
              <AlertTitle>No certificate could be read</AlertTitle>
              <AlertDescription>Check the addresses, or paste the cluster CA or a fingerprint instead.</AlertDescription>
            </Alert>
          )}
          {errors.fingerprints && form.trustMode === "confirm" && <p className="text-destructive text-xs">{errors.fingerprints}</p>}
        </TabsContent>
        <TabsContent value="ca">
          <FormField label="Cluster CA certificate (PEM)" error={errors.caPem} hint="/etc/pve/pve-root-ca.pem on any node. It vouches for every node, also ones added later.">
            {(p) => (
              <Textarea {...p} rows={6} spellCheck={false} className="font-mono text-xs" placeholder="-----BEGIN CERTIFICATE-----" value={form.caPem} onChange={(e) => onChange({ caPem: e.target.value })} />
            )}
          </FormField>
        </TabsContent>
        <TabsContent value="fingerprint">
          <FormField label="SHA-256 fingerprints" error={errors.fingerprints} hint="One per line, as pvenode cert info prints them (AB:CD:…). Other nodes' certificates are added from the node list after the test.">
            {(p) => (
              <Textarea {...p} rows={3} spellCheck={false} className="font-mono text-xs" value={form.pastedFingerprints} onChange={(e) => onChange({ pastedFingerprints: e.target.value })} />
            )}
          </FormField>
        </TabsContent>
      </Tabs>
      <p className="text-muted-foreground text-xs">
        From now on only this certificate (or CA) is accepted, for every node. A changed certificate stops the connection until you confirm it
        here again; there is no option to switch verification off.
      </p>
    </div>
  );
}
