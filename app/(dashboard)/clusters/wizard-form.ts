import type { ClusterSummary } from "@/lib/clusters/queries";
import { formatEndpoint, type AuthKind } from "@/lib/clusters/schemas";
import type { ProbeResult } from "@/lib/clusters/connection";

// The add/edit wizard's form state and how it becomes the API body. "keep" exists only when
// editing: the stored pins (or CA) stay as they are.
export type TrustMode = "confirm" | "ca" | "fingerprint" | "keep";

export type WizardForm = {
  name: string;
  endpoints: string;
  authKind: AuthKind;
  principal: string;
  secret: string;
  trustMode: TrustMode;
  confirmed: boolean;
  pastedFingerprints: string;
  caPem: string;
};

export const STEP1_FIELDS = ["name", "endpoints", "authKind", "principal", "secret"] as const;

export function initialForm(cluster?: ClusterSummary): WizardForm {
  return {
    name: cluster?.name ?? "",
    endpoints: cluster ? cluster.endpoints.map(formatEndpoint).join("\n") : "",
    authKind: cluster?.authKind ?? "token",
    principal: cluster?.principal ?? "",
    secret: "",
    trustMode: cluster ? "keep" : "confirm",
    confirmed: false,
    pastedFingerprints: "",
    caPem: "",
  };
}

/** The JSON the probe/test/create/update routes take. `probe` supplies the fingerprints the admin confirmed. */
export function toBody(form: WizardForm, probe: ProbeResult[], cluster?: ClusterSummary) {
  const base = { name: form.name, endpoints: form.endpoints, authKind: form.authKind, principal: form.principal, secret: form.secret.trim() ? form.secret : undefined };
  switch (form.trustMode) {
    case "confirm":
      return { ...base, trustKind: "fingerprint" as const, fingerprints: confirmedFingerprints(form, probe) };
    case "fingerprint":
      return { ...base, trustKind: "fingerprint" as const, fingerprints: form.pastedFingerprints.split(/[\s,;]+/).filter(Boolean) };
    case "ca":
      return { ...base, trustKind: "ca" as const, caPem: form.caPem };
    case "keep":
      return { ...base, trustKind: cluster?.trust.kind ?? ("fingerprint" as const) };
  }
}

export function confirmedFingerprints(form: WizardForm, probe: ProbeResult[]): string[] {
  if (!form.confirmed) return [];
  return [...new Set(probe.flatMap((r) => (r.ok ? [r.certificate.fingerprint256] : [])))];
}

/** Whether an edit touches the connection (then the server tests it before saving). */
export function connectionChanged(form: WizardForm, cluster: ClusterSummary): boolean {
  const initial = initialForm(cluster);
  const norm = (s: string) => s.split(/[\s,;]+/).filter(Boolean).join(" ").toLowerCase();
  return (
    norm(form.endpoints) !== norm(initial.endpoints) ||
    form.authKind !== initial.authKind ||
    form.principal.trim() !== initial.principal ||
    Boolean(form.secret.trim()) ||
    form.trustMode !== "keep"
  );
}
