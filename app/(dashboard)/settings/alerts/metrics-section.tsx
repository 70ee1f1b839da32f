"use client";

import { useState } from "react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { MetricsTokenView } from "@/lib/alerts/metrics/tokens";
import { useAction } from "./use-action";

export function MetricsSection({ tokens, appUrl }: { tokens: MetricsTokenView[]; appUrl: string }) {
  const [name, setName] = useState("prometheus");
  const [shown, setShown] = useState<string | null>(null);
  const create = useAction();
  const remove = useAction();
  return (
    <section aria-labelledby="metrics-heading" className="grid gap-4">
      <div>
        <h2 id="metrics-heading" className="text-lg font-semibold">
          Prometheus metrics
        </h2>
        <p className="text-muted-foreground text-sm">
          <code>GET {appUrl}/api/metrics</code> with <code>Authorization: Bearer &lt;token&gt;</code> (in Prometheus: <code>authorization: {"{"} credentials: … {"}"}</code>). Job series use
          prometheus-pve-exporter&apos;s names (<code>pve_replication_*</code>) plus a <code>cluster</code> label; <code>pve_standby_*</code> adds lag on the cluster clock, RPO, status, runs and
          active alerts.
        </p>
      </div>
      {tokens.length > 0 && (
        <ul className="divide-y rounded-lg border text-sm">
          {tokens.map((t) => (
            <li key={t.id} className="flex items-center justify-between gap-2 p-2" data-testid="metrics-token">
              <span>
                {t.name} <span className="text-muted-foreground">· by {t.createdBy} · last used {t.lastUsedAt ? t.lastUsedAt.replace("T", " ").slice(0, 19) + " UTC" : "never"}</span>
              </span>
              <Button size="sm" variant="ghost" disabled={remove.busy} onClick={() => remove.run(`/api/alerts/metrics-tokens/${t.id}`, "DELETE", {})}>
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
      {shown && (
        <Alert>
          <AlertDescription>
            Copy the token now; it is stored hashed and cannot be shown again: <code className="break-all" data-testid="new-metrics-token">{shown}</code>
          </AlertDescription>
        </Alert>
      )}
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={async (e) => {
          e.preventDefault();
          const created = await create.run<{ token: string }>("/api/alerts/metrics-tokens", "POST", { name });
          if (created) setShown(created.token);
        }}
      >
        <div className="grid gap-1.5">
          <Label htmlFor="metrics-token-name">Token name</Label>
          <Input id="metrics-token-name" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <Button type="submit" disabled={create.busy}>
          Create token
        </Button>
        {create.error && <span className="text-status-fail text-sm">{create.error}</span>}
      </form>
    </section>
  );
}
