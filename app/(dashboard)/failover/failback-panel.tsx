"use client";

import { useState } from "react";
import Link from "next/link";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Copy, Hand } from "lucide-react";
import { LocalTime } from "@/components/local-time";
import { StatusBadge } from "@/components/status-badge";
import { Alert, AlertDescription } from "@/components/ui/alert";
import {
  AlertDialog, AlertDialogAction, AlertDialogCancel, AlertDialogContent, AlertDialogDescription, AlertDialogFooter, AlertDialogHeader, AlertDialogTitle, AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import type { FailbackHoldView, FailbackView } from "@/lib/failover/failback-queries";
import { holdAwaitsDecision } from "@/lib/failover/failback-types";
import { failoverKeys } from "@/lib/query/failover-readiness";
import { sendJson } from "@/lib/http/fetch-json";
import { formatBytes } from "@/lib/replication/format-bytes";

/**
 * Failing back to a node that died, for one guest recovered elsewhere: what the next sync will
 * discard, when it runs, and the hold (keep or discard) that decides it.
 */
export function FailbackPanel({ clusterId, vmid, view, nodeOnline, clusterNow, canAct }: { clusterId: string; vmid: number; view: FailbackView; nodeOnline: boolean; clusterNow: number; canAct: boolean }) {
  const { oldNode, newNode, jobId } = view;
  const hold = view.hold;
  const active = hold && (hold.state === "running" || hold.state === "paused");
  return (
    <section aria-label={`Failback to ${oldNode}`} className="bg-muted/40 flex flex-col gap-2 rounded-md border p-3 text-sm" data-testid={`failback-${vmid}`}>
      <p className="font-medium">Failing back to {oldNode}</p>
      {view.syncedBackAt ? (
        <p data-testid="failback-rolled-back">
          Job {jobId} already synced {newNode} → {oldNode} (<LocalTime at={view.syncedBackAt} />): the disks on {oldNode} were rolled back then, and what it wrote after its last sync before the failure is gone.
        </p>
      ) : (
        <>
          <p data-testid="failback-explain">
            {oldNode} still holds stale copies of this guest&apos;s disks. The next run of job {jobId} from {newNode} rolls them back (<code>zfs recv -F</code>) to the last common snapshot
            {view.baseSync ? (
              <>
                {" "}(the sync of <LocalTime at={view.baseSync} />)
              </>
            ) : null}{" "}
            and discards whatever {oldNode} wrote after it, before it died.
          </p>
          <Divergent view={view} hold={hold} />
          <NextRun view={view} nodeOnline={nodeOnline} clusterNow={clusterNow} held={Boolean(active)} />
        </>
      )}
      <HaNote view={view} />
      {view.autoHoldProblem && <AutoHoldProblem view={view} problem={view.autoHoldProblem} />}
      {hold ? <Hold clusterId={clusterId} vmid={vmid} view={view} hold={hold} canAct={canAct} /> : !view.syncedBackAt && <StartHold clusterId={clusterId} vmid={vmid} view={view} canAct={canAct} />}
    </section>
  );
}

/** pve-standby tried to hold this guest by itself and could not: said in red, with the reason; an operator may still hold it by hand. */
function AutoHoldProblem({ view, problem }: { view: FailbackView; problem: NonNullable<FailbackView["autoHoldProblem"]> }) {
  return (
    <Alert variant="destructive" data-testid="failback-auto-hold-problem">
      <AlertDescription>
        pve-standby could not hold replication back to {view.oldNode} automatically{problem.at ? <> (last tried <LocalTime at={problem.at} />, again at every poll while {view.oldNode} is down)</> : null}: {problem.reason}
      </AlertDescription>
    </Alert>
  );
}

/** What HA's failback does when the old node returns, and whether this hold holds it. */
function HaNote({ view }: { view: FailbackView }) {
  const steps = view.hold?.steps ?? [];
  const heldHa = steps.find((s) => s.kind === "failback-hold-ha")?.state === "done" && steps.find((s) => s.kind === "failback-restore-ha")?.state !== "done";
  if (heldHa) {
    return (
      <p data-testid="failback-ha">
        HA: failback is held (failback=0) so HA does not migrate the guest to {view.oldNode}, a migration that would replicate over its disks first, whether the job is disabled or not. It is turned on again once the replica is in sync; HA then moves the guest back by itself.
      </p>
    );
  }
  if (!view.ha || view.ha.kind === "none") return null;
  return (
    <p data-testid="failback-ha">
      HA: {view.ha.text}
      {view.ha.kind === "moves-back" ? ` ${view.ha.cost}` : ""}
    </p>
  );
}

function Divergent({ view, hold }: { view: FailbackView; hold: FailbackHoldView | null }) {
  const measured = hold?.divergence;
  if (measured) {
    const total = measured.volumes.reduce((sum, v) => sum + (v.bytes ?? 0), 0);
    return (
      <p data-testid="failback-divergent">
        Divergent data on {view.oldNode}: <strong>{formatBytes(total)}</strong> written after {measured.base} ({measured.volumes.map((v) => `${v.dataset}: ${v.bytes === null ? (v.error ?? "unknown") : formatBytes(v.bytes)}`).join("; ")}), measured <LocalTime at={measured.measuredAt} />.
      </p>
    );
  }
  return (
    <div className="flex flex-col gap-1" data-testid="failback-divergent">
      <p>
        Divergent data on {view.oldNode}: <strong>unknown</strong>
        {hold?.divergenceError ? ` (could not measure over SSH: ${hold.divergenceError})` : " (measured over SSH with the cluster's recovery credential while it is online; without one, check on the node)"}.
      </p>
      {hold?.divergenceCommand && <CommandBlock label={`On ${view.oldNode}, as root:`} commands={[hold.divergenceCommand]} testId="failback-measure-command" />}
    </div>
  );
}

function NextRun({ view, nodeOnline, clusterNow, held }: { view: FailbackView; nodeOnline: boolean; clusterNow: number; held: boolean }) {
  let text: string;
  if (held && view.jobDisabled) text = `Held: job ${view.jobId} is disabled by pve-standby, so it does not run until you choose below.`;
  else if (view.jobDisabled) text = `Job ${view.jobId} is disabled (not by this hold): nothing runs until someone enables it.`;
  else if (!nodeOnline) text = `While ${view.oldNode} is offline the job is parked. When it returns, the job runs at pvesr's next minute: its back-off counts from the try that failed at the recovery, long past. Hold it now; after the return there is no time to react.`;
  else if (view.nextSync && view.nextSync > clusterNow) text = `The next run is due in about ${Math.max(1, Math.round((view.nextSync - clusterNow) / 60))} min.`;
  else text = `The next run is due now (pvesr's next minute).`;
  return <p data-testid="failback-next-run">{text}</p>;
}

/** One hold for every guest of the node's outage that was recovered elsewhere and is not held yet. */
export function HoldAllButton({ clusterId, node, vmids }: { clusterId: string; node: string; vmids: number[] }) {
  const count = vmids.length;
  const queryClient = useQueryClient();
  const start = useMutation({
    mutationFn: () => sendJson<{ id: string }>("/api/failover/failback", "POST", { clusterId, node, vmids }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: failoverKeys.overview }),
  });
  return (
    <div className="flex flex-col gap-2">
      <div>
        <Button size="sm" variant="outline" onClick={() => start.mutate()} disabled={start.isPending} data-testid="failback-hold-all">
          <Hand aria-hidden /> Hold replication back to {node} for {count} recovered guest{count === 1 ? "" : "s"}
        </Button>
      </div>
      {start.error && (
        <Alert variant="destructive">
          <AlertDescription>{start.error.message}</AlertDescription>
        </Alert>
      )}
    </div>
  );
}

function StartHold({ clusterId, vmid, view, canAct }: { clusterId: string; vmid: number; view: FailbackView; canAct: boolean }) {
  const queryClient = useQueryClient();
  const start = useMutation({
    mutationFn: () => sendJson<{ id: string }>("/api/failover/failback", "POST", { clusterId, node: view.oldNode, vmids: [vmid] }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: failoverKeys.overview }),
  });
  if (!canAct) return <p className="text-muted-foreground">An operator can hold replication back to {view.oldNode} until the old writes are kept or discarded.</p>;
  return (
    <div className="flex flex-col gap-2">
      <div>
        <Button size="sm" onClick={() => start.mutate()} disabled={start.isPending} data-testid="failback-hold">
          <Hand aria-hidden /> Hold replication back to {view.oldNode}
        </Button>
      </div>
      <p className="text-muted-foreground text-xs">
        Disables job {view.jobId}{view.ha?.kind === "moves-back" ? " and sets HA's failback off" : ""} (audited) until you choose to keep or discard {view.oldNode}&apos;s writes; re-enabled afterwards.
      </p>
      {start.error && (
        <Alert variant="destructive">
          <AlertDescription>{start.error.message}</AlertDescription>
        </Alert>
      )}
    </div>
  );
}

const STEP_WORDS: Record<string, string> = {
  "failback-hold-ha": "HA failback held",
  "failback-hold-job": "Job held",
  "failback-decide": "Choice",
  "failback-preserve": "Old writes kept",
  "failback-release": "Job re-enabled",
  "failback-sync": "Synced",
  "failback-restore-ha": "HA failback restored",
};

function Hold({ clusterId, vmid, view, hold, canAct }: { clusterId: string; vmid: number; view: FailbackView; hold: FailbackHoldView; canAct: boolean }) {
  const queryClient = useQueryClient();
  const choose = useMutation({
    mutationFn: (choice: "keep" | "discard") => sendJson<{ message: string }>(`/api/failover/operations/${hold.operationId}/failback`, "POST", { vmid, choice }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: failoverKeys.overview }),
  });
  const step = (kind: string) => hold.steps.find((s) => s.kind === kind);
  const undecided = holdAwaitsDecision(hold);
  const preserve = step("failback-preserve");
  const showCommands = hold.decision?.choice === "keep" && preserve && preserve.state !== "done" && preserve.state !== "skipped";
  const synced = step("failback-sync")?.state === "done";
  const failed = hold.steps.filter((s) => s.state === "failed");
  return (
    <div className="flex flex-col gap-2" data-testid="failback-hold-status">
      {hold.automatic && (
        <p className="font-medium" data-testid="failback-auto-held">
          Held automatically at <LocalTime at={hold.createdAt} /> by {hold.holderLabel}
          {undecided ? <>: replication back to {view.oldNode} waits for your choice: keep or discard.</> : "."}
        </p>
      )}
      <ul className="flex flex-wrap gap-2">
        {hold.steps.map((s) => (
          <li key={s.kind}>
            <StatusBadge status={s.state === "done" ? "ok" : s.state === "failed" ? "fail" : s.state === "skipped" ? "unknown" : "syncing"}>
              {STEP_WORDS[s.kind] ?? s.kind}: {s.kind === "failback-decide" && hold.asksChoice ? "waiting for your choice" : s.state}
            </StatusBadge>
          </li>
        ))}
      </ul>
      {failed.map((s) => (
        <Alert key={s.kind} variant="destructive" data-testid="failback-hold-failed">
          <AlertDescription>
            {hold.automatic ? "The automatic hold" : "The hold"} could not be completed: {STEP_WORDS[s.kind] ?? s.kind} failed: {s.message}
          </AlertDescription>
        </Alert>
      ))}
      <p className="text-muted-foreground">
        <Link href={`/failover/operations/${hold.operationId}`} className="hover:underline">
          {hold.automatic ? "The operation" : `Hold by ${hold.holderLabel}`}
        </Link>
        {hold.decision ? ` · ${hold.decision.by} chose to ${hold.decision.choice} ${view.oldNode}'s writes` : ""}
        {hold.summary ? ` · ${hold.summary}` : ""}
      </p>
      {undecided && step("failback-decide")?.state === "pending" && (
        <p className="text-muted-foreground" data-testid="failback-choice-pending">
          The choice is offered once replication back to {view.oldNode} is held.
        </p>
      )}
      {/* Mounted while undecided (a refresh never closes an open dialog); enabled only while the decide step asks, the only time the route takes a choice. */}
      {undecided && canAct && (
        <div className="flex flex-wrap gap-2">
          <Button size="sm" onClick={() => choose.mutate("keep")} disabled={choose.isPending || !hold.asksChoice} data-testid="failback-keep">
            Keep {view.oldNode}&apos;s writes
          </Button>
          <AlertDialog>
            <AlertDialogTrigger asChild>
              <Button size="sm" variant="destructive" disabled={choose.isPending || !hold.asksChoice} data-testid="failback-discard">
                Discard them…
              </Button>
            </AlertDialogTrigger>
            <AlertDialogContent>
              <AlertDialogHeader>
                <AlertDialogTitle>Discard what {view.oldNode} wrote?</AlertDialogTitle>
                <AlertDialogDescription>
                  Job {view.jobId} is enabled again and its next sync from {view.newNode} rolls {view.oldNode}&apos;s disks of this guest back to the last common snapshot. Everything {view.oldNode} wrote after it is gone for good. This choice is recorded in the audit log.
                </AlertDialogDescription>
              </AlertDialogHeader>
              <AlertDialogFooter>
                <AlertDialogCancel>Keep holding</AlertDialogCancel>
                <AlertDialogAction onClick={() => choose.mutate("discard")}>Discard and resume replication</AlertDialogAction>
              </AlertDialogFooter>
            </AlertDialogContent>
          </AlertDialog>
        </div>
      )}
      {undecided && (
        <p className="text-muted-foreground text-xs">
          Keep renames {view.oldNode}&apos;s volumes of this guest out of Proxmox&apos;s storage (to <code>&lt;pool&gt;/pve-standby-kept/…</code>, where neither pvesr nor the storage layer look), then re-enables the job: the next sync is a full one. Discard re-enables it and lets the sync roll {view.oldNode} back.
        </p>
      )}
      {choose.error && (
        <Alert variant="destructive">
          <AlertDescription>{choose.error.message}</AlertDescription>
        </Alert>
      )}
      {showCommands && (
        <div className="flex flex-col gap-1">
          <p>{preserve.message}</p>
          <CommandBlock label={`Without a recovery credential, run on ${view.oldNode} as root (pve-standby sees the volumes leave the storage and goes on):`} commands={hold.commands} testId="failback-keep-commands" />
          {hold.readBack && <CommandBlock label="To check afterwards:" commands={[hold.readBack]} testId="failback-readback-command" />}
        </div>
      )}
      {synced && (
        <p data-testid="failback-switch-back">
          The replica on {view.oldNode} is in sync.{" "}
          {hold.steps.some((s) => s.kind === "failback-restore-ha" && s.state === "done") ? (
            <>HA moves the guest back to {view.oldNode} by itself now that failback is on again.</>
          ) : (
            <>
              To run it on {view.oldNode} again,{" "}
              <Link href={`/clusters/${clusterId}/guests/${vmid}`} className="underline">
                switch it over from its page
              </Link>{" "}
              (the job turns around once more).
            </>
          )}
        </p>
      )}
    </div>
  );
}

function CommandBlock({ label, commands, testId }: { label: string; commands: string[]; testId: string }) {
  const [copied, setCopied] = useState(false);
  const text = commands.join("\n");
  return (
    <div className="flex flex-col gap-1" data-testid={testId}>
      <p className="text-muted-foreground text-xs">{label}</p>
      <div className="flex items-start gap-2">
        <pre className="bg-background flex-1 overflow-x-auto rounded border p-2 font-mono text-xs">{text}</pre>
        <Button
          size="sm"
          variant="outline"
          aria-label="Copy the commands"
          onClick={() => {
            void navigator.clipboard.writeText(text).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          <Copy aria-hidden /> {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </div>
  );
}
