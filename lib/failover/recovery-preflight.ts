import { formatDuration } from "@/lib/replication/format-duration";
import { diskCoverage, type StoredDisk } from "./disk-list";
import { guardManualMove } from "./ha-guard";
import { guestEntries, haResourceOf, isOnline, jobsOfGuest, type LiveCluster } from "./live-state";
import { otherJobsAfterMove, recoveryJobFacts, replicatedDiskBytes } from "./other-jobs";
import { dataLossWindow, type DataLossWindow, type OutageReplica, type OutageTimes } from "./outage";
import type { LockHolder } from "./preflight";
export { configPath, recoveryCommands } from "./recovery-commands";
import { checklistVerdict, type Check, type CheckResultName, type GuestPlan } from "./types";

// The checklist before a non-HA guest is recovered from a dead node (Proxmox's manual procedure,
// reference §6.9, made safe): each check a pass, warning or fail with one sentence of why.
// Pure: recovery-gather.ts reads Proxmox, the poller's outage record and our lock.

/** How long a node must have been seen offline before its guests may be recovered (issue 13: 2 min). */
export const DEFAULT_MIN_OFFLINE_SECONDS = 120;

export type RecoveryOutage = OutageTimes & { id: string; node: string; endedAt: number | null };

export type RecoveryPreflightInput = {
  live: LiveCluster;
  vmid: number;
  deadNode: string;
  /** The chosen survivor; null: the freshest replica on an online node. */
  target: string | null;
  /** The poller's open outage record of the dead node and this guest's row in it. */
  outage: RecoveryOutage | null;
  guest: { type: string; name: string | null; statusBefore: string; replicas: OutageReplica[] } | null;
  /** The poller's kept disk list; null when it was never read. */
  disks: StoredDisk[] | null;
  /** Volume ids per storage on the target (GET /nodes/{target}/storage/{storage}/content); a string when unreadable. */
  targetVolumes: Map<string, string[] | string>;
  /** Cluster clock of the newest poll that succeeded (at least two polls must have seen the node offline). */
  lastPollAt: number | null;
  minOfflineSeconds: number;
  lock: LockHolder | null;
  ownOperationId?: string;
};

export type RecoveryPreflight = {
  checks: Check[];
  verdict: CheckResultName;
  plan: GuestPlan | null;
  /** Shown before the confirmation; null when the guest is unknown. */
  dataLoss: DataLossWindow | null;
  /** The configuration already sits on the target (someone moved it): only the start remains. */
  alreadyMoved: boolean;
  /** Set when the cluster is not quorate: the `pvecm expected` way out and its price. */
  quorum: { command: string; explanation: string } | null;
};

export function quorumWayOut(live: LiveCluster, deadNode: string): { command: string; explanation: string } {
  const online = [...live.nodes.entries()].filter(([, up]) => up).map(([n]) => n);
  const command = `pvecm expected ${Math.max(1, online.length)}`;
  return {
    command,
    explanation:
      `Without quorum /etc/pve is read-only: no configuration can move and Proxmox refuses to start guests. ` +
      `First try to bring back enough nodes (or the network between them) for a majority. Only if that is impossible, run \`${command}\` on ${online[0] ?? "a surviving node"} ` +
      `to lower the expected votes to the nodes that are up. While expected votes are lowered make no other cluster change (no node added or removed, no cluster configuration edited), ` +
      `and be certain ${deadNode} is off: if it is alive on the other side of a split, both sides can believe they have quorum and run the same guests. ` +
      `pve-standby does not continue until the cluster reports quorum.`,
  };
}

export function recoveryPreflight(input: RecoveryPreflightInput): RecoveryPreflight {
  const { live, vmid, deadNode } = input;
  const checks: Check[] = [];
  const add = (name: string, result: CheckResultName, message: string) => checks.push({ name, result, message });
  const entries = guestEntries(live, vmid);
  const entry = entries[0];
  const type = input.guest?.type === "lxc" || entry?.type === "lxc" ? "lxc" : "qemu";
  const jobs = jobsOfGuest(live, vmid).filter((j) => !j.remove_job);
  const replicas = input.guest?.replicas ?? [];
  const target = input.target ?? chooseTarget(live, jobs.map((j) => j.target), replicas);
  let quorum: RecoveryPreflight["quorum"] = null;

  // Quorum without the dead node.
  if (live.quorate) add("Quorum", "pass", `The cluster is quorate without ${deadNode}: /etc/pve is writable.`);
  else {
    quorum = quorumWayOut(live, deadNode);
    add("Quorum", "fail", `The cluster has no quorum without ${deadNode}. ${quorum.explanation}`);
  }

  // The dead node: offline now, seen offline by several polls and for long enough.
  add(...nodeCheck(input));

  // Where the guest is: still listed on the dead node only (or already moved to the target).
  let alreadyMoved = false;
  if (!entry) add("Guest", "fail", `Proxmox lists no guest ${vmid}.`);
  else if (entries.length > 1) add("Guest", "fail", `Proxmox lists guest ${vmid} on ${entries.map((e) => e.node).join(" and ")}: resolve that before anything else.`);
  else if (entry.node === target) {
    alreadyMoved = true;
    add("Guest", entry.status === "running" ? "fail" : "pass", entry.status === "running"
      ? `Guest ${vmid} already runs on ${target}: there is nothing to recover.`
      : `Guest ${vmid}'s configuration is already on ${target} (${entry.status}); only the start remains.`);
  } else if (entry.node !== deadNode) add("Guest", "fail", `Guest ${vmid} is on ${entry.node}, not on ${deadNode}: it runs elsewhere already.`);
  else add("Guest", "pass", `Proxmox lists guest ${vmid} on ${deadNode} only (its state there is unknown) and on no other node.`);

  // HA-managed guests are HA's to recover: a second mover could start them twice.
  const ha = haResourceOf(live, vmid);
  const guard = guardManualMove({ sid: `${type === "lxc" ? "ct" : "vm"}:${vmid}`, haResource: ha ? { state: ha.state ?? "started" } : null, nodeOnline: false });
  add("HA", guard.allowed ? "pass" : "fail", guard.allowed ? "Not HA-managed: nothing else will recover it, pve-standby may." : guard.reason);

  // The survivor: online, with a replica.
  const job = target ? jobs.find((j) => j.target === target) : undefined;
  if (!target) add("Target", "fail", jobs.length ? `Its replicas are on ${jobs.map((j) => j.target).join(", ")}, none of them online.` : "No replica anywhere: it has no replication job.");
  else if (target === deadNode) add("Target", "fail", `${target} is the dead node.`);
  else if (!isOnline(live, target)) add("Target", "fail", `${target} is not online.`);
  else if (!job) add("Target", "fail", `${target} holds no replica of guest ${vmid}${jobs.length ? `; its replicas are on ${jobs.map((j) => j.target).join(", ")}` : ""}.`);
  else add("Target", "pass", `${target} is online and holds its replica (job ${job.id}).`);

  if (target && target !== deadNode) checks.push(...diskChecks(input, target));
  if (target && job) checks.push(...otherJobsAfterMove({ kind: "recovery", target, jobs: recoveryJobFacts(jobs, replicas), diskBytes: replicatedDiskBytes(input.disks) }));

  if (input.lock && input.lock.operationId !== input.ownOperationId) {
    add("Lock", "fail", `Another failover operation holds this guest: held by ${input.lock.holderLabel} since ${input.lock.acquiredAt.toISOString()}; you may watch it but not act.`);
  } else add("Lock", "pass", "Nobody else is moving this guest.");

  const dataLoss = input.outage && target ? dataLossWindow(input.outage, replicas, target) : null;
  if (dataLoss?.kind === "no-replica") add("Data", "fail", `${dataLoss.text}.`);

  const plan: GuestPlan | null =
    target && job && input.guest
      ? { vmid, type, name: input.guest.name ?? entry?.name ?? null, source: deadNode, target, mode: "recover", running: input.guest.statusBefore === "running", haSid: null, jobId: job.id }
      : null;
  return { checks, verdict: checklistVerdict(checks), plan, dataLoss, alreadyMoved, quorum };
}

function nodeCheck(input: RecoveryPreflightInput): [string, CheckResultName, string] {
  const { live, deadNode, outage } = input;
  const name = "Dead node";
  if (!live.nodes.has(deadNode)) return [name, "fail", `${deadNode} is not a member of this cluster.`];
  if (isOnline(live, deadNode)) return [name, "fail", `${deadNode} is online now: a guest is recovered only from a node that is down. If it came back, its guests are still its own.`];
  if (!outage || outage.endedAt !== null) return [name, "fail", `pve-standby has not recorded ${deadNode} going offline yet; wait for the next polls.`];
  const offlineFor = live.now - outage.detectedAt;
  const polls = input.lastPollAt !== null && input.lastPollAt > outage.detectedAt;
  const need = formatDuration(input.minOfflineSeconds);
  if (offlineFor < input.minOfflineSeconds || !polls) {
    return [name, "fail", `${deadNode} has been seen offline for only ${formatDuration(Math.max(0, offlineFor))}${polls ? "" : " (one poll)"}; wait until several polls have seen it offline for at least ${need}, so a reboot or a network blip is not mistaken for a dead node.`];
  }
  return [name, "pass", `${deadNode} is offline now and has been seen offline by every poll for ${formatDuration(offlineFor)} (at least ${need} required).`];
}

/** Every disk the poller kept must have its volume on the target; shared disks are seen everywhere. */
function diskChecks(input: RecoveryPreflightInput, target: string): Check[] {
  const name = "Disks on target";
  if (!input.disks || input.disks.length === 0) {
    return [{ name, result: "fail", message: `The guest's disk list was never read while ${input.deadNode} was up, so whether every disk has a replica on ${target} cannot be confirmed.` }];
  }
  const checks: Check[] = [];
  for (const d of input.disks) {
    const coverage = diskCoverage(d);
    if (coverage.kind === "cdrom") continue;
    if (coverage.kind === "shared") {
      checks.push({ name, result: "pass", message: `${d.key} (${d.volid}) is on shared storage: ${target} sees it.` });
      continue;
    }
    if (coverage.kind !== "replicated") {
      checks.push({ name, result: "fail", message: `${coverage.reason}; the guest would start on ${target} without it, or not at all.` });
      continue;
    }
    const listing = input.targetVolumes.get(d.storage as string);
    if (typeof listing === "string" || listing === undefined) {
      checks.push({ name, result: "fail", message: `Could not list ${d.storage} on ${target}${typeof listing === "string" ? `: ${listing}` : ""}.` });
    } else if (listing.includes(d.volid)) checks.push({ name, result: "pass", message: `${d.key}: ${d.volid} is on ${target}.` });
    else checks.push({ name, result: "fail", message: `${d.key}: ${d.volid} is not on ${target}: the replica is missing there.` });
  }
  return checks;
}

/** The freshest completed replica on an online node; else the first online replication target. */
function chooseTarget(live: LiveCluster, jobTargets: string[], replicas: OutageReplica[]): string | null {
  const online = jobTargets.filter((t) => isOnline(live, t));
  const synced = replicas.filter((r) => online.includes(r.target) && (r.lastSync ?? 0) > 0).sort((a, b) => (b.lastSync ?? 0) - (a.lastSync ?? 0));
  return synced[0]?.target ?? online[0] ?? null;
}
