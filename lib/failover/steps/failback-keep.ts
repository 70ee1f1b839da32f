import { logger } from "@/lib/logger";
import { getStorageContent } from "@/lib/proxmox/nodes";
import { listStorageConfigs } from "@/lib/proxmox/storage";
import type { RemoteShell } from "@/lib/ssh/remote-shell";
import {
  divergenceCommand,
  parseWritten,
  preservationCommands,
  readBackCommand,
  readBackExisting,
  replicationSnapshotName,
  volumeDatasets,
  volumeStates,
  type VolumeDatasets,
} from "../failback-zfs";
import type { Divergence } from "../failback-types";
import { guestEntries, isOnline, readLiveCluster } from "../live-state";
import type { StepContext, StepHandler } from "../step-types";
import { decisionForCheck, failbackPlan, guestLabel, siblingResult } from "./failback-common";

// The operator's choice and what "keep" does on the old node. The choice is stored by a route
// (audited there); this lane only waits for it, so replication stays held however long it takes.

const MEASURE_EVERY_SECONDS = 300;
const DAY = 86_400;

async function datasetsOf(ctx: StepContext): Promise<VolumeDatasets[]> {
  const stored = ctx.result.datasets ?? (await siblingResult(ctx, "failback-decide")).datasets;
  if (Array.isArray(stored) && stored.length) return stored as VolumeDatasets[];
  const storages = (await listStorageConfigs(ctx.client)).data;
  return volumeDatasets(failbackPlan(ctx), (id) => storages.find((s) => s.storage === id)?.pool ?? null);
}

async function openShell(ctx: StepContext, node: string): Promise<RemoteShell | null> {
  if (!ctx.deps.shellFor) return null;
  return ctx.deps.shellFor(ctx.op.clusterId, node);
}

/** Divergent bytes per volume over SSH; null when there is no credential or the node is away. */
async function measure(ctx: StepContext, datasets: VolumeDatasets[], now: number): Promise<Divergence | { error: string; measuredAt: number } | null> {
  const g = failbackPlan(ctx);
  if (!g.lastSync) return null;
  const base = replicationSnapshotName(g.jobId, g.lastSync);
  let shell: RemoteShell | null = null;
  try {
    shell = await openShell(ctx, g.oldNode);
    if (!shell) return null;
    const answer = await shell.run(divergenceCommand(datasets, base), { timeoutMs: 30_000 });
    return { measuredAt: now, base, volumes: parseWritten(answer, datasets) };
  } catch (error) {
    logger.warn({ operationId: ctx.op.id, vmid: g.vmid, node: g.oldNode, err: error }, "Failback could not measure the divergent data over SSH");
    return { error: error instanceof Error ? error.message : String(error), measuredAt: now };
  } finally {
    shell?.close();
  }
}

export const failbackDecideStep: StepHandler = {
  // The hold stands until someone decides; a month without a decision fails the lane and says so.
  timeoutSeconds: 30 * DAY,
  async check(ctx) {
    const g = failbackPlan(ctx);
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    const datasets = await datasetsOf(ctx);
    const result: Record<string, unknown> = { datasets, commands: preservationCommands(datasets), readBack: readBackCommand(datasets) };
    if (g.lastSync) result.divergenceCommand = divergenceCommand(datasets, replicationSnapshotName(g.jobId, g.lastSync));
    const last = Number((ctx.result.divergence as { measuredAt?: number } | undefined)?.measuredAt ?? 0);
    if (isOnline(live, g.oldNode) && live.now - last >= MEASURE_EVERY_SECONDS) {
      const measured = await measure(ctx, datasets, live.now);
      if (measured) result.divergence = measured;
    }
    const { decision, error } = await decisionForCheck(ctx);
    if (error) return { outcome: "fail", message: error, result };
    if (!decision) return { outcome: "wait", message: `Replication back to ${g.oldNode} is held. Choose to keep or discard what ${g.oldNode} wrote after its last sync.`, result };
    const words = decision.choice === "keep" ? `keep ${g.oldNode}'s writes` : `discard ${g.oldNode}'s writes`;
    return { outcome: "already-done", message: `${decision.by} chose to ${words}.`, result };
  },
  async verify(ctx) {
    return { outcome: "done", message: ctx.step.message ?? "Decided." };
  },
};

export const failbackPreserveStep: StepHandler = {
  timeoutSeconds: 30 * DAY,
  async check(ctx) {
    const g = failbackPlan(ctx);
    const { decision, error } = await decisionForCheck(ctx);
    if (error) return { outcome: "fail", message: error };
    // Never read a missing choice as "discard": that would let the sync roll the old node back.
    if (!decision) return { outcome: "fail", message: `No keep/discard choice is recorded for ${guestLabel(g)}; nothing was changed and its job stays held.` };
    if (decision.choice !== "keep") {
      return { outcome: "already-done", message: `Nothing kept: the next sync rolls ${g.oldNode}'s disks of ${guestLabel(g)} back to the last common snapshot and discards what it wrote after it.`, result: { skipped: true } };
    }
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    if (!isOnline(live, g.oldNode)) return { outcome: "wait", message: `${g.oldNode} is offline: its volumes are kept once it is back. Replication stays held meanwhile.` };
    const where = guestEntries(live, g.vmid)[0]?.node;
    if (where === g.oldNode) return { outcome: "fail", message: `${guestLabel(g)} runs on ${g.oldNode}: its volumes there are live, not stale; nothing was renamed.` };
    const datasets = await datasetsOf(ctx);
    const shell = await openShell(ctx, g.oldNode);
    if (!shell) {
      if (await goneFromStorage(ctx, datasets)) return { outcome: "already-done", message: readBackWithoutShell(g.oldNode), result: { via: "api" } };
      return { outcome: "wait", message: `No recovery credential: run the commands shown on ${g.oldNode} as root; pve-standby sees them take effect.` };
    }
    try {
      const states = volumeStates(await readBackExisting((c) => shell.run(c), datasets), datasets);
      const missing = states.filter((s) => s.state === "gone");
      if (missing.length) return { outcome: "fail", message: `${g.oldNode} has neither ${missing.map((m) => m.volid).join(", ")} nor a kept copy; nothing was renamed.` };
      if (states.every((s) => s.state === "kept" || s.state === "both")) return { outcome: "already-done", message: `The kept datasets already exist on ${g.oldNode}.`, result: { via: "ssh" } };
      return { outcome: "ready", message: `Renaming ${states.filter((s) => s.state === "untouched").length} volume(s) out of Proxmox's storage on ${g.oldNode}.` };
    } finally {
      shell.close();
    }
  },
  async act(ctx) {
    const g = failbackPlan(ctx);
    const datasets = await datasetsOf(ctx);
    const shell = await openShell(ctx, g.oldNode);
    if (!shell) throw new Error(`the recovery credential of this cluster is gone; no command was sent to ${g.oldNode}`);
    const ran: { command: string; code: number; stderr: string }[] = [];
    try {
      const states = volumeStates(await readBackExisting((c) => shell.run(c), datasets), datasets);
      for (const [i, v] of datasets.entries()) {
        if (states[i]?.state !== "untouched") continue;
        const command = preservationCommands([v])[0] as string;
        const answer = await shell.run(command, { timeoutMs: 60_000 });
        ran.push({ command, code: answer.code, stderr: answer.stderr.trim() });
        if (answer.code !== 0) break;
      }
    } finally {
      shell.close();
    }
    return { message: `Ran ${ran.length} command(s) on ${g.oldNode} over SSH: ${ran.map((r) => `${r.command} → exit ${r.code}`).join("; ")}.`, result: { ran, via: "ssh" } };
  },
  async adopt() {
    // A rename either happened or not: the check's read-back tells which, and skips what exists.
    return { adopted: false };
  },
  async verify(ctx) {
    const g = failbackPlan(ctx);
    if (ctx.result.skipped === true) return { outcome: "done", message: ctx.step.message ?? "Nothing kept." };
    const datasets = await datasetsOf(ctx);
    if (ctx.result.via === "api") return { outcome: "done", message: readBackWithoutShell(g.oldNode) };
    const shell = await openShell(ctx, g.oldNode);
    if (!shell) return { outcome: "wait", message: "Waiting for the recovery credential to read the kept datasets back." };
    try {
      const states = volumeStates(await readBackExisting((c) => shell.run(c), datasets), datasets);
      const notKept = states.filter((s) => s.state !== "kept" && s.state !== "both");
      if (notKept.length === 0) return { outcome: "done", message: `Kept on ${g.oldNode}: ${datasets.map((d) => d.kept).join(", ")} (outside Proxmox's storage; pvesr will not touch them).` };
      const failed = (ctx.result.ran as { command: string; code: number; stderr: string }[] | undefined)?.find((r) => r.code !== 0);
      return { outcome: "fail", message: `Not kept: ${notKept.map((s) => s.volid).join(", ")}${failed ? ` (${failed.command}: ${failed.stderr || `exit ${failed.code}`})` : ""}. Replication stays held.` };
    } finally {
      shell.close();
    }
  },
};

/** Without a shell the API shows the effect of the rename: Proxmox no longer lists the volumes on the old node. */
async function goneFromStorage(ctx: StepContext, datasets: VolumeDatasets[]): Promise<boolean> {
  const g = failbackPlan(ctx);
  const storages = [...new Set(g.volumes.map((v) => v.storage))];
  const listed = new Set<string>();
  for (const storage of storages) {
    for (const item of (await getStorageContent(ctx.client, g.oldNode, storage, { vmid: g.vmid })).data) listed.add(item.volid);
  }
  return datasets.every((d) => !listed.has(d.volid));
}

function readBackWithoutShell(node: string): string {
  return `Proxmox no longer lists the volumes on ${node}: the rename ran. Without a credential pve-standby cannot see datasets outside the storage; the read-back command shows them.`;
}
