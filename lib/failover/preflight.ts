import { formatBytes } from "@/lib/replication/format-bytes";
import { formatDuration } from "@/lib/replication/format-duration";
import type { GuestConfig } from "@/lib/proxmox/guest-config";
import { REPLICABLE_STORAGE_TYPES } from "./disk-list";
import type { JobHealth } from "./job-health";
import { guestEntries, haResourceOf, isOnline, jobsOfGuest, type LiveCluster } from "./live-state";
import { otherJobsAfterMove } from "./other-jobs";
import { checklistVerdict, type Check, type CheckResultName, type GuestPlan } from "./types";

// The switch-over checklist: each check a pass, warning or fail with one sentence of why.
// Pure: the caller reads Proxmox (live-state, the guest's config, its job state) and our lock.

const GIB = 1024 ** 3;
// Restart mode (pve-container Migrate.pm): shutdown with a 180 s timeout, final sync, start.
const CT_SHUTDOWN_TIMEOUT = 180;

export type LockHolder = { operationId: string; holderLabel: string; acquiredAt: Date };

export type PreflightInput = {
  live: LiveCluster;
  vmid: number;
  target: string;
  /** null when the guest's node could not be read. */
  config: GuestConfig | null;
  /** The job to `target` as the job page shows it (`readJobHealth`); null before its first poll. */
  jobHealth: JobHealth | null;
  lock: LockHolder | null;
  /** The operation running this check holds the lock itself. */
  ownOperationId?: string;
  /** The guest's jobs' states read from its node (last_sync); empty or absent when unreadable. */
  jobStates?: { id: string; last_sync: number }[];
};

export type Preflight = {
  checks: Check[];
  verdict: CheckResultName;
  /** What would run; null when the guest or its job cannot be found. */
  plan: GuestPlan | null;
  /** Stated before confirming when the guest is offline during the move. */
  downtime: string | null;
};

export function switchoverPreflight(input: PreflightInput): Preflight {
  const { live, vmid, target } = input;
  const checks: Check[] = [];
  const add = (name: string, result: CheckResultName, message: string) => checks.push({ name, result, message });
  const entries = guestEntries(live, vmid);
  const guest = entries[0];
  if (!guest || entries.length !== 1 || !guest.node) {
    add("Guest", "fail", entries.length === 0 ? `Proxmox lists no guest ${vmid}.` : `Proxmox lists guest ${vmid} ${entries.length} times; resolve that first.`);
    return { checks, verdict: "fail", plan: null, downtime: null };
  }
  const source = guest.node;
  const type = guest.type === "lxc" ? "lxc" : "qemu";
  const running = guest.status === "running";
  const jobs = jobsOfGuest(live, vmid);
  const job = jobs.find((j) => j.target === target);
  const ha = haResourceOf(live, vmid);

  if (target === source) add("Target", "fail", `The guest already runs on ${target}.`);
  else if (!isOnline(live, target)) add("Target", "fail", `${target} is not online.`);
  else if (!job) {
    const targets = jobs.map((j) => j.target);
    add("Target", "fail", targets.length ? `${target} holds no replica of this guest; its replicas are on ${targets.join(", ")}.` : "This guest has no replica on any node.");
  } else add("Target", "pass", `${target} is online and holds a replica (job ${job.id}).`);

  if (!isOnline(live, source)) add("Source", "fail", `${source} is not online: a planned switch-over needs the guest's node.`);

  add("Quorum", live.quorate ? "pass" : "fail", live.quorate ? "The cluster is quorate." : "The cluster has no quorum: Proxmox refuses migrations until it is back.");

  if (job) checks.push(jobCheck(input, job));
  if (job) {
    const lastSync = (id: string) => input.jobStates?.find((s) => s.id === id)?.last_sync ?? null;
    const facts = jobs.filter((j) => !j.remove_job).map((j) => ({ id: j.id, target: j.target, lastSync: lastSync(j.id) }));
    checks.push(...otherJobsAfterMove({ kind: "migration", target, jobs: facts, diskBytes: zfsDiskBytes(input, source) }));
  }
  checks.push(...roomChecks(input, source));

  const configLock = input.config?.lock ?? guest.lock;
  // Our own lock first: it names who is moving the guest (Proxmox's `migrate` lock would not).
  if (input.lock && input.lock.operationId !== input.ownOperationId) {
    add("Lock", "fail", `Another failover operation holds this guest: held by ${input.lock.holderLabel} since ${input.lock.acquiredAt.toISOString()}; you may watch it but not act.`);
  } else if (configLock) add("Lock", "fail", `Proxmox has the guest locked (${configLock}); wait until that ends.`);
  else add("Lock", "pass", "Nobody else is moving this guest.");

  if (ha) {
    const ok = ha.state === undefined || ha.state === "started" || ha.state === "stopped";
    add("HA", ok ? "pass" : "warning", ok
      ? `HA-managed (${ha.sid}): the move goes through HA and is followed until HA reports it started on ${target}.`
      : `HA-managed (${ha.sid}) with requested state '${ha.state}': HA may not carry out a migration request.`);
  } else add("HA", "pass", "Not HA-managed: pve-standby asks Proxmox to migrate it directly.");

  const mode = ha ? "ha" : !running ? "offline" : type === "qemu" ? "online" : "restart";
  let downtime: string | null = null;
  if (mode === "restart") {
    const duration = input.jobHealth?.durationSeconds ?? null;
    const sync = duration !== null ? `the last sync took ${formatDuration(duration)}` : "its duration is not known yet";
    downtime = `The container is stopped during the move: it shuts down (up to ${CT_SHUTDOWN_TIMEOUT} s), Proxmox sends the writes since the last sync (${sync}) and starts it on ${target}. Expect it to be unreachable for roughly ${formatDuration(Math.round((duration ?? 10) + 15))}, longer if the shutdown is slow.`;
  } else if (mode === "online") downtime = "Live migration: the VM keeps running; the switch itself pauses it for well under a second.";
  else if (mode === "offline") downtime = "The guest is stopped and stays stopped on the new node.";
  else if (running && type === "lxc") downtime = "HA migrates a running container in restart mode: it is stopped, moved and started again.";

  const plan: GuestPlan | null = job
    ? { vmid, type, name: guest.name ?? null, source, target, mode, running, haSid: ha?.sid ?? null, jobId: job.id }
    : null;
  return { checks, verdict: checklistVerdict(checks), plan, downtime };
}

function jobCheck(input: PreflightInput, job: { id: string; remove_job?: "local" | "full" }): Check {
  const name = "Replication";
  // Live config: Proxmox refuses the migration on it, whatever the last poll saw.
  if (job.remove_job) return { name, result: "fail", message: `Job ${job.id} is marked for removal; Proxmox refuses to migrate the guest.` };
  const status = input.jobHealth;
  if (!status) return { name, result: "warning", message: `Job ${job.id} has not been read by pve-standby yet; its health is unknown. The migration runs it first.` };
  const sentence = `Job ${job.id}: ${status.message}.`;
  switch (status.status) {
    case "ok":
    case "syncing":
      return { name, result: "pass", message: `${sentence} The migration sends only what changed since.` };
    case "disabled":
      return { name, result: "warning", message: `${sentence} The migration still runs it once before moving the guest.` };
    case "never-synced":
      return { name, result: "warning", message: `${sentence} The migration has to send the whole disks first.` };
    case "late":
      return { name, result: "warning", message: `${sentence} The migration first sends everything written since.` };
    default:
      return { name, result: "warning", message: `${sentence} The migration runs this job first; if it fails again, so does the migration.` };
  }
}

const DISK_KEY = /^(scsi|virtio|sata|ide|efidisk|tpmstate|rootfs|mp)\d*$/;

/** Disks of the config as storage → total size; CD-ROMs and passthrough have no storage volume. */
export function disksByStorage(config: GuestConfig | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of Object.entries(config ?? {})) {
    if (!DISK_KEY.test(key) || typeof value !== "string" || value.includes("media=cdrom")) continue;
    const match = /^([a-zA-Z][\w.-]*):[^,]+/.exec(value);
    if (!match || match[1] === "none") continue;
    const size = /(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)/.exec(value);
    const factor = { "": 1, K: 1024, M: 1024 ** 2, G: GIB, T: 1024 ** 4 }[(size?.[2] ?? "") as "" | "K" | "M" | "G" | "T"];
    out.set(match[1] as string, (out.get(match[1] as string) ?? 0) + (size ? Number(size[1]) * factor : 0));
  }
  return out;
}

/** Provisioned size of the disks on the source's local ZFS storages (what replication copies); null when none is known. */
function zfsDiskBytes(input: PreflightInput, source: string): number | null {
  let total = 0;
  for (const [storage, size] of disksByStorage(input.config)) {
    const entry = input.live.storages.find((s) => s.node === source && s.storage === storage);
    if (entry?.plugintype && REPLICABLE_STORAGE_TYPES.includes(entry.plugintype) && !entry.shared) total += size;
  }
  return total > 0 ? total : null;
}

function roomChecks(input: PreflightInput, source: string): Check[] {
  const name = "Room on target";
  if (!input.config) return [{ name, result: "warning", message: `The guest's configuration could not be read from ${source}; free space on ${input.target} was not checked.` }];
  const checks: Check[] = [];
  for (const [storage, size] of disksByStorage(input.config)) {
    const entry = input.live.storages.find((s) => s.node === input.target && s.storage === storage);
    if (!entry || entry.maxdisk === undefined) {
      checks.push({ name, result: "fail", message: `${input.target} has no storage '${storage}' for the guest's disks.` });
      continue;
    }
    const free = Math.max(0, entry.maxdisk - (entry.disk ?? 0));
    const where = `${input.target}'s ${storage}`;
    if (free < GIB) checks.push({ name, result: "warning", message: `${where} is full (${formatBytes(free)} free): the final sync of the migration will probably fail.` });
    else if (free < size * 0.1) checks.push({ name, result: "warning", message: `${where} has ${formatBytes(free)} free, less than a tenth of the guest's ${formatBytes(size)} of disks there.` });
    else checks.push({ name, result: "pass", message: `${where} has ${formatBytes(free)} free.` });
  }
  if (checks.length === 0) checks.push({ name, result: "warning", message: "No disks found in the guest's configuration." });
  return checks;
}
