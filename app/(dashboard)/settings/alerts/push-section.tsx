"use client";

import { useState } from "react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { PushTargetView } from "@/lib/alerts/push/push-targets";
import { useAction } from "./use-action";

type RegisterAnswer = { ok: true; created: string[] } | { ok: false; reason: string; missingPrivileges: string[]; pasteCommands: string };

export function PushSection({ targets, canRegister }: { targets: PushTargetView[]; canRegister: boolean }) {
  return (
    <section aria-labelledby="push-heading" className="grid gap-4">
      <div>
        <h2 id="push-heading" className="text-lg font-semibold">
          Proxmox push notifications
        </h2>
        <p className="text-muted-foreground text-sm">
          Proxmox VE 8.3 and later can push replication failures and fencing to pve-standby the moment they happen (a webhook target and a matcher for{" "}
          <code>type=replication,fencing</code>); each push triggers an immediate poll, so the alert goes out within about a second. Polling stays the fallback.
          {!canRegister && " Registering needs an admin."}
        </p>
      </div>
      {targets.length === 0 ? (
        <Alert>
          <AlertDescription>No cluster connected.</AlertDescription>
        </Alert>
      ) : (
        <ul className="divide-y rounded-lg border">
          {targets.map((t) => (
            <PushRow key={t.clusterId} target={t} canRegister={canRegister} />
          ))}
        </ul>
      )}
    </section>
  );
}

function PushRow({ target, canRegister }: { target: PushTargetView; canRegister: boolean }) {
  const register = useAction();
  const config = useAction();
  const [answer, setAnswer] = useState<RegisterAnswer | null>(null);
  const [commands, setCommands] = useState<string | null>(null);
  const utc = (iso: string | null) => (iso ? `${iso.replace("T", " ").slice(0, 19)} UTC` : "never");
  return (
    <li className="grid gap-2 p-3 text-sm" data-testid="push-target">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{target.clusterName}</span>
        <span className="text-muted-foreground">
          {target.registeredAt ? `registered ${utc(target.registeredAt)}` : "not registered"} · last push {utc(target.lastReceivedAt)}
          {target.lastRefusedAt && ` · last refused ${utc(target.lastRefusedAt)}`}
        </span>
        {canRegister && (
          <div className="ml-auto flex gap-2">
            <Button size="sm" variant="outline" disabled={register.busy} onClick={async () => setAnswer(await register.run<RegisterAnswer>(`/api/alerts/push/${target.clusterId}/register`, "POST", {}))}>
              Register with Proxmox
            </Button>
            <Button size="sm" variant="ghost" disabled={config.busy} onClick={async () => setCommands((await config.run<{ commands: string }>(`/api/alerts/push/${target.clusterId}/config`, "POST", {}))?.commands ?? null)}>
              Show configuration to paste
            </Button>
          </div>
        )}
      </div>
      <div className="text-muted-foreground text-xs">
        Receiver: <code>{target.receiverUrl}</code> (header <code>X-PVE-Standby-Secret</code>)
      </div>
      {target.registerError && !answer && <div className="text-status-fail text-xs">Last registration failed: {target.registerError}</div>}
      {answer?.ok && <div role="status">Created {answer.created.join(" and ")}.</div>}
      {answer && !answer.ok && (
        <Alert variant="destructive">
          <AlertDescription>
            {answer.reason}
            {answer.missingPrivileges.length > 0 && ` Missing: ${answer.missingPrivileges.join("; ")}.`} Paste this on a node as root instead:
            <pre className="mt-2 overflow-x-auto text-xs whitespace-pre-wrap">{answer.pasteCommands}</pre>
          </AlertDescription>
        </Alert>
      )}
      {commands && <pre className="bg-muted overflow-x-auto rounded p-2 text-xs whitespace-pre-wrap">{commands}</pre>}
      {(register.error || config.error) && <div className="text-status-fail text-xs">{register.error ?? config.error}</div>}
    </li>
  );
}
