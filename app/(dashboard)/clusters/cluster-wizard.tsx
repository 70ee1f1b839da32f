"use client";

import { useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { ConnectionTestResult, ProbeResult } from "@/lib/clusters/connection";
import type { ClusterSummary } from "@/lib/clusters/queries";
import { createClusterSchema, updateClusterSchema } from "@/lib/clusters/schemas";
import { sendJson } from "@/lib/http/fetch-json";
import { apiFieldErrors, type FieldErrors, zodFieldErrors } from "@/lib/http/form-errors";
import { cn } from "@/lib/utils";
import { clusterKeys } from "@/lib/query/clusters";
import { ConnectionReport } from "./connection-report";
import { ConnectionStep } from "./connection-step";
import { TrustStep } from "./trust-step";
import { connectionChanged, initialForm, STEP1_FIELDS, toBody, type WizardForm } from "./wizard-form";

type Step = 1 | 2 | 3;
const STEPS = [
  { step: 1, title: "Connection", description: "Name, node addresses and how pve-standby signs in." },
  { step: 2, title: "Certificate", description: "Check the certificate the nodes present, then pin it (or paste the cluster CA or a fingerprint)." },
  { step: 3, title: "Test", description: "What the cluster answered with these settings. Save once the test passes." },
] as const;

/** Add (no `cluster`) or edit a cluster in three steps: connection → certificate → test and save. */
export function ClusterWizard({ cluster, open, onOpenChange }: { cluster?: ClusterSummary; open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-2xl">{open && <WizardBody cluster={cluster} onDone={() => onOpenChange(false)} />}</DialogContent>
    </Dialog>
  );
}

function WizardBody({ cluster, onDone }: { cluster?: ClusterSummary; onDone: () => void }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const editing = Boolean(cluster);
  const [step, setStep] = useState<Step>(1);
  const [form, setForm] = useState<WizardForm>(() => initialForm(cluster));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [probe, setProbe] = useState<ProbeResult[]>([]);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const current = STEPS[step - 1]!;

  // Moving between steps replaces the buttons that had focus; put it on the new step's heading.
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) firstRender.current = false;
    else headingRef.current?.focus();
  }, [step]);

  const onServerError = (error: unknown) => {
    const fieldErrors = apiFieldErrors(error);
    setErrors(fieldErrors);
    if (STEP1_FIELDS.some((k) => fieldErrors[k])) setStep(1);
    else if (fieldErrors.fingerprints || fieldErrors.caPem) setStep(2);
  };
  const probeMutation = useMutation({
    mutationFn: (endpoints: string) => sendJson<{ results: ProbeResult[] }>("/api/clusters/probe", "POST", { endpoints }),
    onSuccess: (data) => {
      setProbe(data.results);
      setStep(2);
    },
    onError: onServerError,
  });
  const testMutation = useMutation({
    mutationFn: (body: object) => sendJson<ConnectionTestResult>("/api/clusters/test", "POST", body),
    onSuccess: (data) => {
      setResult(data);
      setStep(3);
    },
    onError: onServerError,
  });
  const saveMutation = useMutation({
    mutationFn: (body: object) => (cluster ? sendJson(`/api/clusters/${cluster.id}`, "PATCH", body) : sendJson("/api/clusters", "POST", body)),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: clusterKeys.all });
      router.refresh();
      onDone();
    },
    onError: onServerError,
  });
  const busy = probeMutation.isPending || testMutation.isPending || saveMutation.isPending;

  function change(update: Partial<WizardForm>) {
    setForm((f) => ({ ...f, ...update }));
    setResult(null);
    // An edited field's old error no longer applies; switching sign-in method or trust resets the dependent ones.
    const stale = new Set<string>(Object.keys(update));
    if ("authKind" in update) ["principal", "secret"].forEach((k) => stale.add(k));
    if (["trustMode", "confirmed", "pastedFingerprints"].some((k) => k in update)) ["fingerprints", "caPem"].forEach((k) => stale.add(k));
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !stale.has(k))));
  }

  /** Client-side check of just these fields; the server checks everything again. */
  function valid(fields: readonly string[]): boolean {
    const parsed = (editing ? updateClusterSchema : createClusterSchema).safeParse(toBody(form, probe, cluster));
    const all = parsed.success ? {} : zodFieldErrors(parsed.error);
    const picked: FieldErrors = Object.fromEntries(fields.filter((f) => all[f]).map((f) => [f, all[f]]));
    setErrors(picked);
    return Object.keys(picked).length === 0;
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    if (step === 1 && valid(STEP1_FIELDS)) probeMutation.mutate(form.endpoints);
    if (step === 2 && valid(["fingerprints", "caPem"])) testMutation.mutate({ ...toBody(form, probe, cluster), clusterId: cluster?.id });
    if (step === 3 && result?.ok) saveMutation.mutate(toBody(form, probe, cluster));
  }

  function saveNameOnly() {
    if (valid(STEP1_FIELDS)) saveMutation.mutate(toBody(form, probe, cluster));
  }

  const nameOnly = cluster !== undefined && !connectionChanged(form, cluster);
  return (
    <form onSubmit={submit} noValidate className="grid min-w-0 gap-4">
      <DialogHeader>
        <DialogTitle>{cluster ? `Edit ${cluster.name}` : "Add a cluster"}</DialogTitle>
        <DialogDescription>{current.description}</DialogDescription>
      </DialogHeader>
      <ol className="flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label="Steps">
        {STEPS.map((s) => (
          <li key={s.step} aria-current={s.step === step ? "step" : undefined} className={cn("text-muted-foreground", s.step === step && "text-foreground font-semibold")}>
            {s.step}. {s.title}
          </li>
        ))}
      </ol>
      <h3 ref={headingRef} tabIndex={-1} className="text-base font-medium outline-none">
        Step {step} of 3: {current.title}
      </h3>
      {errors._form && (
        <Alert variant="destructive">
          <AlertDescription>{errors._form}</AlertDescription>
        </Alert>
      )}
      {step === 1 && <ConnectionStep form={form} errors={errors} editing={editing} onChange={change} />}
      {step === 2 && <TrustStep form={form} probe={probe} errors={errors} cluster={cluster} onChange={change} />}
      {step === 3 && result && <ConnectionReport result={result} pinsNodes={form.trustMode === "keep" ? cluster?.trust.kind === "fingerprint" : form.trustMode !== "ca"} />}
      <DialogFooter className="gap-2">
        {step > 1 && (
          <Button type="button" variant="outline" disabled={busy} onClick={() => setStep((s) => (s - 1) as Step)}>
            Back
          </Button>
        )}
        {step === 1 && nameOnly && (
          <Button type="button" variant="outline" disabled={busy} onClick={saveNameOnly}>
            {saveMutation.isPending ? "Saving…" : "Save name"}
          </Button>
        )}
        {step === 3 && (
          <Button type="button" variant="outline" disabled={busy} onClick={() => testMutation.mutate({ ...toBody(form, probe, cluster), clusterId: cluster?.id })}>
            {testMutation.isPending ? "Testing…" : "Test again"}
          </Button>
        )}
        <Button type="submit" disabled={busy || (step === 3 && !result?.ok)}>
          {step === 1 ? (probeMutation.isPending ? "Reading certificate…" : "Next: certificate") : null}
          {step === 2 ? (testMutation.isPending ? "Testing…" : "Next: test connection") : null}
          {step === 3 ? (saveMutation.isPending ? "Saving…" : cluster ? "Save changes" : "Save cluster") : null}
        </Button>
      </DialogFooter>
    </form>
  );
}
