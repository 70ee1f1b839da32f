"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { StatusBadge } from "@/components/status-badge";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import type { NodeTestResult, RecoveryCredentialView } from "@/lib/clusters/recovery-schemas";
import { fetchJson, sendJson } from "@/lib/http/fetch-json";

const key = (clusterId: string) => ["clusters", clusterId, "recovery-credential"] as const;

/**
 * Admins only: the root login pve-standby uses to recover guests from a dead node (move their
 * configuration over SSH). The secret is write-only; host keys are pinned on first use.
 */
export function RecoveryCredentialSection({ clusterId }: { clusterId: string }) {
  const url = `/api/clusters/${encodeURIComponent(clusterId)}/recovery-credential`;
  const queryClient = useQueryClient();
  const view = useQuery({ queryKey: key(clusterId), queryFn: () => fetchJson<RecoveryCredentialView>(url) });
  const data = view.data;
  return (
    <Card className="py-4" data-testid="recovery-credential">
      <CardHeader className="px-4">
        <CardTitle className="flex items-center gap-2 text-base">
          <KeyRound className="size-4" aria-hidden /> Recovery credential
          {data && <StatusBadge status={data.configured ? "ok" : "unknown"}>{data.configured ? "Set" : "Not set"}</StatusBadge>}
        </CardTitle>
        <CardDescription>
          The root login pve-standby uses to recover a dead node&apos;s guests that HA does not manage: it logs in to a surviving node over SSH, checks quorum and moves the guest&apos;s configuration. Without it,
          the Failover page shows the exact commands to run instead. Stored encrypted like the API token; never shown again.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 px-4">
        {view.isLoading && <Skeleton className="h-32" />}
        {view.error && (
          <Alert variant="destructive">
            <AlertDescription>{view.error.message}</AlertDescription>
          </Alert>
        )}
        {data && <CredentialForm key={`${data.updatedAt}-${data.lastTestAt}`} url={url} data={data} onChanged={() => void queryClient.invalidateQueries({ queryKey: key(clusterId) })} />}
      </CardContent>
    </Card>
  );
}

function CredentialForm({ url, data, onChanged }: { url: string; data: RecoveryCredentialView; onChanged: () => void }) {
  const [form, setForm] = useState({ username: data.username, port: String(data.port), authKind: data.authKind ?? ("password" as "password" | "key"), password: "", privateKey: "", passphrase: "" });
  const [addresses, setAddresses] = useState<Record<string, string>>(() =>
    Object.fromEntries(data.nodes.filter((n) => n.ssh.overridden).map((n) => [n.node, `${n.ssh.host}${n.ssh.port !== data.port ? `:${n.ssh.port}` : ""}`])),
  );
  const save = useMutation({ mutationFn: () => sendJson(url, "PUT", { ...form, port: Number(form.port), nodeAddresses: addresses }), onSuccess: onChanged });
  const remove = useMutation({ mutationFn: () => sendJson(url, "DELETE", {}), onSuccess: onChanged });
  const test = useMutation({ mutationFn: () => sendJson<{ results: NodeTestResult[] }>(`${url}/test`, "POST", {}), onSettled: onChanged });
  const trust = useMutation({ mutationFn: (v: { node: string; fingerprint: string }) => sendJson(`${url}/trust-host-key`, "POST", v), onSuccess: onChanged });
  const results = test.data?.results ?? data.lastTest ?? null;
  return (
      <form className="grid gap-4" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
        {data.configured && <p className="text-muted-foreground text-sm">Last changed by {data.updatedByLabel} at {data.updatedAt}. Leave the secret blank to keep it.</p>}
        <div className="grid gap-3 sm:grid-cols-3">
          <div className="grid gap-1">
            <Label htmlFor="rc-user">User</Label>
            <Input id="rc-user" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} autoComplete="off" />
          </div>
          <div className="grid gap-1">
            <Label htmlFor="rc-port">SSH port</Label>
            <Input id="rc-port" inputMode="numeric" value={form.port} onChange={(e) => setForm({ ...form, port: e.target.value })} />
          </div>
          <fieldset className="grid gap-1">
            <legend className="text-sm font-medium">Sign in with</legend>
            <div className="flex gap-3 pt-1 text-sm">
              {(["password", "key"] as const).map((k) => (
                <label key={k} className="flex items-center gap-1">
                  <input type="radio" name="rc-kind" value={k} checked={form.authKind === k} onChange={() => setForm({ ...form, authKind: k })} /> {k === "password" ? "Password" : "Private key"}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        {form.authKind === "password" ? (
          <div className="grid max-w-sm gap-1">
            <Label htmlFor="rc-password">Password</Label>
            <Input id="rc-password" type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} autoComplete="new-password" placeholder={data.configured ? "unchanged" : ""} />
          </div>
        ) : (
          <div className="grid gap-2">
            <Label htmlFor="rc-key">Private key (OpenSSH or PEM)</Label>
            <Textarea id="rc-key" rows={4} value={form.privateKey} onChange={(e) => setForm({ ...form, privateKey: e.target.value })} placeholder={data.configured ? "unchanged" : "-----BEGIN OPENSSH PRIVATE KEY-----"} className="font-mono text-xs" />
            <Label htmlFor="rc-passphrase">Passphrase (if any)</Label>
            <Input id="rc-passphrase" type="password" value={form.passphrase} onChange={(e) => setForm({ ...form, passphrase: e.target.value })} autoComplete="new-password" className="max-w-sm" />
          </div>
        )}
        <NodeTable view={data} addresses={addresses} setAddresses={setAddresses} results={results} onTrust={(v) => trust.mutate(v)} trusting={trust.isPending} />
        {[save.error, remove.error, test.error, trust.error].filter(Boolean).map((e) => (
          <Alert key={(e as Error).message} variant="destructive">
            <AlertDescription>{(e as Error).message}</AlertDescription>
          </Alert>
        ))}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save"}</Button>
          <Button type="button" variant="outline" disabled={!data.configured || test.isPending} onClick={() => test.mutate()}>
            {test.isPending ? "Testing…" : "Test connection"}
          </Button>
          {data.configured && (
            <Button type="button" variant="outline" disabled={remove.isPending} onClick={() => remove.mutate()}>
              Remove
            </Button>
          )}
        </div>
      </form>
  );
}

function NodeTable(props: {
  view: RecoveryCredentialView;
  addresses: Record<string, string>;
  setAddresses: (a: Record<string, string>) => void;
  results: NodeTestResult[] | null;
  onTrust: (v: { node: string; fingerprint: string }) => void;
  trusting: boolean;
}) {
  const { view, addresses, setAddresses, results } = props;
  return (
    <div className="grid gap-3">
      <p className="text-sm font-medium">Nodes</p>
      {view.nodes.map((n) => {
        const result = results?.find((r) => r.node === n.node);
        return (
          <div key={n.node} className="grid gap-2 rounded-md border p-3 text-sm" data-testid={`recovery-node-${n.node}`}>
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium">{n.node}</span>
              {!n.online && <StatusBadge status="fail">Offline</StatusBadge>}
              {result && <StatusBadge status={result.ok ? "ok" : "fail"}>{result.ok ? "Login works" : "Failed"}</StatusBadge>}
            </div>
            <div className="grid max-w-md gap-1">
              <Label htmlFor={`rc-addr-${n.node}`} className="text-xs">SSH address (host or host:port; blank = {n.reportedAddress ?? "unknown"}, as Proxmox reports it)</Label>
              <Input id={`rc-addr-${n.node}`} value={addresses[n.node] ?? ""} placeholder={n.reportedAddress ?? ""} onChange={(e) => setAddresses({ ...addresses, [n.node]: e.target.value })} />
            </div>
            <p className="font-mono text-xs break-all" data-testid="host-key">
              Host key: {n.hostKey ? `${n.hostKey.fingerprint} (pinned ${n.hostKey.pinnedAt})` : "not pinned yet: the key seen at the first login is pinned"}
            </p>
            {result && !result.ok && <p className="text-status-fail text-xs">{result.message}</p>}
            {result?.ok && <p className="text-muted-foreground text-xs">{result.message}</p>}
            {n.offered && n.hostKey && (
              <Alert variant="destructive" data-testid="host-key-changed">
                <AlertTitle>{n.node} presented a different SSH host key: connections are refused</AlertTitle>
                <AlertDescription>
                  <p className="font-mono text-xs break-all">Pinned: {n.hostKey.fingerprint}</p>
                  <p className="font-mono text-xs break-all">Presented at {n.offered.offeredAt}: {n.offered.fingerprint}</p>
                  <p>Trust the new key only if {n.node} was reinstalled or its key regenerated: compare it on the node&apos;s console (<code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> and the other key types).</p>
                  <Button type="button" size="sm" variant="outline" className="mt-2 w-fit" disabled={props.trusting} onClick={() => props.onTrust({ node: n.node, fingerprint: n.offered!.fingerprint })}>
                    Trust the new key
                  </Button>
                </AlertDescription>
              </Alert>
            )}
          </div>
        );
      })}
    </div>
  );
}
