import { formatBytes } from "@/lib/replication/format-bytes";
import { formatDuration } from "@/lib/replication/format-duration";
import type { JobStatusName } from "@/lib/replication/status";
import { diskCoverage, type DiskCoverage, type StoredDisk } from "./disk-list";
import { haFailbackEffect, haRecoveryTiers, type FailbackEffect } from "./ha-recovery";
import { haSidOf, type HaPlacement, type HaResourceState } from "./ha-state";

// Failover readiness of one guest, before anything breaks: pure, every input passed in, client-safe.
// Job facts come from the one job view (status, lag, RPO); this file never computes a lag.

export type ReadinessJob = {
  jobId: string;
  target: string;
  status: JobStatusName;
  /** The job view's message: why the status is what it is, in words. */
  message: string | null;
  lastSync: number | null;
  lagSeconds: number | null;
  rpoSeconds: number;
  overRpo: boolean;
  disabled: boolean;
  removeJob: string | null;
};

export type ReadinessNode = { name: string; online: boolean; zfs: { storage: string; used?: number; total?: number }[] };

export type ReadinessInput = {
  guest: { vmid: number; type: string; node: string; template?: boolean };
  nodes: ReadinessNode[];
  jobs: ReadinessJob[];
  /** The kept disk list; null when it was never read. */
  disks: { list: StoredDisk[]; readAt: number | null; error: string | null } | null;
  ha: { resource: HaResourceState | null; placements: HaPlacement[]; placementApi: string };
  /** Cluster clock now. */
  now: number;
};

export type ReasonLevel = "fail" | "warn" | "info";
export type ReadinessReason = { level: ReasonLevel; code: string; text: string; fix?: string };

export type ReplicaFacts = ReadinessJob & {
  usable: boolean;
  targetOnline: boolean | null;
  room: { storage: string; freeBytes: number; totalBytes: number; fill: number }[];
};

export type Readiness = {
  verdict: "ready" | "warnings" | "not-ready";
  label: "Ready" | "Ready with warnings" | "Not ready";
  reasons: ReadinessReason[];
  replicas: ReplicaFacts[];
  disks: { key: string; volid: string; sizeBytes: number | null; coverage: DiskCoverage }[] | null;
  ha: {
    managed: boolean;
    sid: string;
    state: string | null;
    /** Recovery tiers, best first (haRecoveryTiers). */
    tiers: string[][];
    /** Nodes HA could start it on that hold no replica. */
    gapNodes: string[];
    failback: FailbackEffect | null;
  };
};

/** Free space on a target storage below this fill is fine; above, a sync or the guest may run out. */
const FILL_WARN = 0.9;

export function assessReadiness(input: ReadinessInput): Readiness {
  const reasons: ReadinessReason[] = [];
  const add = (level: ReasonLevel, code: string, text: string, fix?: string) => reasons.push({ level, code, text, ...(fix ? { fix } : {}) });
  const { guest } = input;
  const sid = haSidOf(guest.type, guest.vmid);
  const online = (name: string) => input.nodes.find((n) => n.name === name)?.online ?? null;

  const disks = input.disks ? input.disks.list.map((d) => ({ key: d.key, volid: d.volid, sizeBytes: d.sizeBytes, coverage: diskCoverage(d) })) : null;
  const replicatedStorages = [...new Set((input.disks?.list ?? []).filter((d) => diskCoverage(d).kind === "replicated").map((d) => d.storage as string))];
  const replicas = input.jobs.map((job): ReplicaFacts => {
    const targetOnline = online(job.target);
    const node = input.nodes.find((n) => n.name === job.target);
    const room = (node?.zfs ?? [])
      .filter((s) => (replicatedStorages.length ? replicatedStorages.includes(s.storage) : true) && s.total)
      .map((s) => ({ storage: s.storage, totalBytes: s.total as number, freeBytes: Math.max(0, (s.total as number) - (s.used ?? 0)), fill: (s.used ?? 0) / (s.total as number) }));
    const usable = !job.disabled && !job.removeJob && (job.lastSync ?? 0) > 0 && targetOnline !== false;
    return { ...job, usable, targetOnline, room };
  });

  if (guest.template) add("info", "template", "A template: it does not run, so it never needs a failover.");
  if (online(guest.node) === false) add("info", "node-offline", `Its node ${guest.node} is offline: see the Failover page for what happened and what to do.`);

  assessReplication(input, replicas, add);
  if (input.jobs.some((j) => !j.disabled && !j.removeJob)) assessDisks(input, disks, add);
  const ha = assessHa(input, sid, replicas, add);

  const verdict = reasons.some((r) => r.level === "fail") ? "not-ready" : reasons.some((r) => r.level === "warn") ? "warnings" : "ready";
  const label = verdict === "ready" ? "Ready" : verdict === "warnings" ? "Ready with warnings" : "Not ready";
  const order: Record<ReasonLevel, number> = { fail: 0, warn: 1, info: 2 };
  return { verdict, label, reasons: reasons.sort((a, b) => order[a.level] - order[b.level]), replicas, disks, ha };
}

type Add = (level: ReasonLevel, code: string, text: string, fix?: string) => void;

function assessReplication(input: ReadinessInput, replicas: ReplicaFacts[], add: Add) {
  const active = replicas.filter((r) => !r.disabled && !r.removeJob);
  if (active.length === 0) {
    add("fail", "not-replicated", "Not replicated: no other node holds a copy of its disks, so a failure of its node loses it until the node is back.", "Add a replication job to another node with ZFS storage.");
    return;
  }
  for (const r of replicas) {
    const copy = r.lastSync ? `the copy there is from ${formatDuration(r.lagSeconds ?? 0)} ago` : "no copy there yet";
    if (r.removeJob) add("info", "removal", `Job ${r.jobId} to ${r.target} is being removed; its copy will not be kept up to date.`);
    else if (r.disabled) add("warn", "disabled", `Job ${r.jobId} to ${r.target} is disabled: ${copy} and only gets older.`, "Enable the job again.");
    else if (r.targetOnline === false || r.status === "waiting-target") add("warn", "target-offline", `${r.target} is offline: it can neither receive copies nor take over the guest.`);
    else if (r.status === "stale") add("warn", "stale", `The state of job ${r.jobId} is unknown right now (${r.message ?? "its node cannot be read"}).`);
    else if ((r.lastSync ?? 0) === 0) add("warn", "never-synced", `The first copy to ${r.target} has not completed yet${r.status === "failing" ? `: ${r.message ?? "it fails"}` : ""}.`);
    else if (r.status === "failing") add("warn", "failing", `Replication to ${r.target} is failing: ${r.message ?? "see the job"}.`, "Open the job to see the error and retry.");
    else if (r.overRpo) add("warn", "over-rpo", `The copy on ${r.target} is ${formatDuration(r.lagSeconds ?? 0)} old, more than its RPO of ${formatDuration(r.rpoSeconds)}: a failover now loses more than you planned for.`);
    for (const s of r.usable || (r.lastSync ?? 0) === 0 ? r.room : []) {
      if (s.fill >= FILL_WARN) {
        add("warn", "room", `${s.storage} on ${r.target} is ${Math.round(s.fill * 100)}% full (${formatBytes(s.freeBytes)} free): syncs may fail with "out of space" and the guest has little room to write there after a failover.`, `Free space on ${r.target} or replicate to another node.`);
      }
    }
  }
  if (!replicas.some((r) => r.usable)) {
    add("fail", "no-usable-replica", "No usable replica right now: no enabled job has a completed copy on an online node.");
  }
}

function assessDisks(input: ReadinessInput, disks: Readiness["disks"], add: Add) {
  if (!input.disks || (input.disks.readAt === null && input.disks.list.length === 0)) {
    const why = input.disks?.error ? ` (the last read failed: ${input.disks.error})` : "";
    add("warn", "disks-unknown", `Its disk list has not been read yet${why}, so whether every disk has a replica is not known.`);
    return;
  }
  if (input.disks.error) add("info", "disks-old", `The disk list is from an earlier read; the last read failed: ${input.disks.error}.`);
  for (const d of disks ?? []) {
    if (d.coverage.kind === "excluded" || d.coverage.kind === "not-replicable") {
      add("fail", "disk-not-replicated", `Incomplete replica: ${d.coverage.reason}. After a failover the guest would start without it, or not at all.`, "Move the disk to ZFS storage (Move disk), or accept the gap knowingly.");
    } else if (d.coverage.kind === "unknown") add("warn", "disk-unknown", `${d.coverage.reason}.`);
  }
}

function assessHa(input: ReadinessInput, sid: string, replicas: ReplicaFacts[], add: Add): Readiness["ha"] {
  const res = input.ha.resource;
  const clusterNodes = input.nodes.map((n) => n.name);
  if (!res) {
    const down = input.nodes.find((n) => n.name === input.guest.node)?.online === false;
    add("info", "not-ha", `Not HA-managed: ${down ? `with ${input.guest.node} down` : `if ${input.guest.node} dies`}, nothing starts it elsewhere by itself; recover it from the Failover page.`);
    return { managed: false, sid, state: null, tiers: [], gapNodes: [], failback: null };
  }
  if (res.state === "ignored") add("warn", "ha-ignored", `HA ignores ${sid} (state "ignored"): it will not be recovered if its node dies.`);
  else if (res.state !== "started" && res.state !== "enabled") add("info", "ha-stopped", `HA keeps ${sid} ${res.state}: after a node failure it is moved to another node but not started.`);

  const { tiers, placement } = haRecoveryTiers(res, input.ha.placements, clusterNodes, input.guest.node);
  const withReplica = new Set(replicas.filter((r) => !r.disabled && !r.removeJob).map((r) => r.target));
  const gapNodes = [...new Set(tiers.flat().filter((n) => !withReplica.has(n)))];
  const firstGap = (tiers[0] ?? []).filter((n) => !withReplica.has(n));
  const targets = [...withReplica].sort();
  const fix =
    targets.length === 0
      ? "Replicate the guest first."
      : input.ha.placementApi === "groups"
        ? `Put ${sid} in an HA group restricted to ${targets.join(", ")}, or add replication jobs to ${gapNodes.join(", ")}.`
        : `Add a strict node-affinity rule for ${sid} with nodes ${targets.join(", ")}, or add replication jobs to ${gapNodes.join(", ")}.`;
  if (tiers.length === 0) {
    add("fail", "ha-nowhere", `HA has no other node it may recover ${sid} to${placement ? ` (${describePlacement(placement)})` : ""}.`, fix);
  } else if (firstGap.length > 0 && res.state !== "ignored") {
    add("fail", "ha-gap", `HA could recover ${sid} to ${firstGap.join(" or ")}, which holds no replica: it would start there with no disks.${placement ? "" : " No HA rule limits where it goes."}`, fix);
  } else if (gapNodes.length > 0 && res.state !== "ignored") {
    add("warn", "ha-gap-fallback", `If ${tiers[0]?.join(" and ")} ${tiers[0]?.length === 1 ? "is" : "are"} down too, HA would fall back to ${gapNodes.join(" or ")}, which holds no replica.`, fix);
  }
  const failback = haFailbackEffect(res, placement, clusterNodes, sid);
  if (failback.kind === "moves-back") add("warn", "ha-failback", `${failback.text} ${failback.cost}`);
  else add("info", "ha-failback", failback.text);
  return { managed: res.state !== "ignored", sid, state: res.state, tiers, gapNodes, failback };
}

function describePlacement(p: HaPlacement): string {
  const nodes = p.nodes.map((n) => `${n.node}:${n.priority}`).join(", ");
  return p.kind === "group" ? `group ${p.name}: ${nodes}${p.strict ? ", restricted" : ""}` : `rule ${p.name}: ${nodes}${p.strict ? ", strict" : ""}`;
}
