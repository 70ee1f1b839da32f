import type { CommandResult } from "@/lib/ssh/remote-shell";
import type { FailbackGuestPlan } from "./failback-types";

// The ZFS side of failback, pure: which datasets the old node holds, the commands that keep its
// divergent writes, and how their answers read. Client-safe (the page shows the same commands).
//
// Why `zfs rename` out of the storage (OpenZFS semantics, reference §3.3 step 9 and §6.9 point 4):
// - pvesr sends `zfs send -R -I <base> …` into `zfs recv -F`. With -F and a replication stream the
//   receiver first destroys snapshots that do not exist on the sender, then rolls the dataset back
//   to <base>: a snapshot taken on the old node (`@keep`) is destroyed with the divergent blocks.
// - A clone of such a snapshot makes that destroy fail, and the kernel refuses the forced receive
//   (dmu_recv_end_check: a snapshot after the origin with dependent clones), so every later sync
//   fails: the replica would never catch up. `zfs promote` of the clone instead moves the
//   replication snapshots away from the volume and pvesr finds no common base.
// - Renaming the volume out of the storage's dataset keeps every block the old node wrote, with
//   its snapshots, instantly and without extra space. Proxmox's storage layer only lists
//   `vm-|base-|subvol-<vmid>-…` children of the storage's pool dataset, and pvesr only scans
//   those, so neither touches `<zpool>/pve-standby-kept/…`. The volume is then absent on the old
//   node and the next sync is a full one (the cost: the whole disk crosses the network once).

export const KEPT_PARENT = "pve-standby-kept";

/** ZFS dataset names as Proxmox forms them; anything else is refused before it reaches a shell. */
const DATASET_RE = /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/;

export function assertDataset(name: string): string {
  if (!DATASET_RE.test(name) || name.includes("..")) throw new Error(`refusing an unexpected dataset name: ${name}`);
  return name;
}

const SNAPSHOT_RE = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

/** pvesr's snapshot of a sync (ReplicationState::replication_snapshot_name). */
export function replicationSnapshotName(jobId: string, lastSync: number): string {
  return `__replicate_${jobId}_${lastSync}__`;
}

export type VolumeDatasets = { volid: string; dataset: string; kept: string };

/**
 * Where each volume lives on the old node (`<storage pool>/<volume name>`) and where it is kept
 * (`<zpool>/pve-standby-kept/<volume name>-<failure time>`: same pool, as a rename requires).
 */
export function volumeDatasets(plan: Pick<FailbackGuestPlan, "volumes" | "failedAt">, poolOf: (storage: string) => string | null): VolumeDatasets[] {
  return plan.volumes.map((v) => {
    const pool = poolOf(v.storage);
    if (!pool) throw new Error(`storage ${v.storage} has no ZFS pool in its configuration`);
    const zpool = pool.split("/")[0] as string;
    return { volid: v.volid, dataset: assertDataset(`${pool}/${v.name}`), kept: assertDataset(`${zpool}/${KEPT_PARENT}/${v.name}-${plan.failedAt}`) };
  });
}

/** The commands that keep the old node's writes, in order, for a root shell on the old node. */
export function preservationCommands(volumes: VolumeDatasets[]): string[] {
  return volumes.map((v) => `zfs rename -p ${v.dataset} ${v.kept}`);
}

/** Reads back which of the volumes and kept datasets exist (one name per line; missing ones error on stderr). */
export function readBackCommand(volumes: VolumeDatasets[]): string {
  return `zfs list -H -o name ${volumes.flatMap((v) => [v.dataset, v.kept]).join(" ")}`;
}

/** Bytes written to each volume since the common base snapshot: what the next sync would discard. */
export function divergenceCommand(volumes: VolumeDatasets[], base: string): string {
  if (!SNAPSHOT_RE.test(base)) throw new Error(`refusing an unexpected snapshot name: ${base}`);
  return `zfs get -Hp -o name,value written@${base} ${volumes.map((v) => v.dataset).join(" ")}`;
}

/** `zfs list -H -o name a b c`: the names that exist (missing ones are reported on stderr only). */
export function parseExisting(result: CommandResult): Set<string> {
  return new Set(result.stdout.split("\n").map((l) => l.trim()).filter(Boolean));
}

/**
 * Which of the volumes and kept datasets exist, one `zfs list` per name so that a missing one
 * (exit 1) never hides the others.
 */
export async function readBackExisting(run: (command: string) => Promise<CommandResult>, volumes: VolumeDatasets[]): Promise<Set<string>> {
  const existing = new Set<string>();
  for (const name of volumes.flatMap((v) => [v.dataset, v.kept])) {
    const answer = await run(`zfs list -H -o name ${name}`);
    if (answer.code === 0 && parseExisting(answer).has(name)) existing.add(name);
  }
  return existing;
}

/** `zfs get -Hp -o name,value written@snap ds…`: bytes per dataset; `-` (no such snapshot) reads as null. */
export function parseWritten(result: CommandResult, volumes: VolumeDatasets[]): { dataset: string; bytes: number | null; error: string | null }[] {
  const values = new Map<string, string>();
  for (const line of result.stdout.split("\n")) {
    const [name, value] = line.trim().split("\t");
    if (name && value !== undefined) values.set(name, value);
  }
  return volumes.map((v) => {
    const value = values.get(v.dataset);
    const bytes = value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
    const error = bytes !== null ? null : stderrLineFor(result.stderr, v.dataset) ?? (value === "-" ? `the base snapshot is not on ${v.dataset}` : "no answer for this dataset");
    return { dataset: v.dataset, bytes, error };
  });
}

function stderrLineFor(stderr: string, dataset: string): string | null {
  return stderr.split("\n").find((l) => l.includes(dataset))?.trim() ?? null;
}

/** Where each volume stands on the old node after a read-back. */
export type VolumeState = "kept" | "untouched" | "gone" | "both";

export function volumeStates(existing: Set<string>, volumes: VolumeDatasets[]): { volid: string; state: VolumeState }[] {
  return volumes.map((v) => {
    const live = existing.has(v.dataset);
    const kept = existing.has(v.kept);
    return { volid: v.volid, state: kept && live ? "both" : kept ? "kept" : live ? "untouched" : "gone" };
  });
}
