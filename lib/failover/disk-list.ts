import { z } from "zod";

// A guest's disks as the poller keeps them (GuestDiskList.disks): the configuration's entries
// plus what the storage was on the guest's node when read (type, shared). Pure, client-safe.

export const storedDiskSchema = z.object({
  key: z.string(),
  volid: z.string(),
  storage: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  replicate: z.boolean(),
  cdrom: z.boolean(),
  /** Storage plugin type on the guest's node (`zfspool`, `dir`, `lvmthin`, …); null when unknown. */
  storageType: z.string().nullable(),
  shared: z.boolean().nullable(),
});
export type StoredDisk = z.infer<typeof storedDiskSchema>;

export function parseStoredDisks(text: string | null | undefined): StoredDisk[] {
  if (!text) return [];
  try {
    return z.array(storedDiskSchema).catch([]).parse(JSON.parse(text));
  } catch {
    return [];
  }
}

/** Only `zfspool` can be replicated (pvesr.pm $replicatable_storage_types; reference §3.1). */
export const REPLICABLE_STORAGE_TYPES: readonly string[] = ["zfspool"];

export type DiskCoverage =
  | { kind: "replicated" }
  | { kind: "shared" }
  | { kind: "cdrom" }
  | { kind: "excluded"; reason: string }
  | { kind: "not-replicable"; reason: string }
  | { kind: "unknown"; reason: string };

/**
 * Whether a disk travels with replication, as get_replicatable_volumes decides: CD-ROMs are
 * skipped, shared storage is skipped (every node sees it), `replicate=0` excludes a disk (the
 * replica is then incomplete), and a local disk on anything but ZFS makes the job fail with
 * "missing replicate feature".
 */
export function diskCoverage(disk: StoredDisk): DiskCoverage {
  if (disk.cdrom) return { kind: "cdrom" };
  if (disk.shared) return { kind: "shared" };
  if (!disk.replicate) return { kind: "excluded", reason: `${disk.key} (${disk.volid}) is excluded from replication (replicate=0): no other node has a copy of it` };
  if (disk.storage === null) return { kind: "not-replicable", reason: `${disk.key} is a host path (${disk.volid}), which cannot be replicated` };
  if (disk.storageType === null) return { kind: "unknown", reason: `${disk.key}: the type of storage ${disk.storage} is not known` };
  if (!REPLICABLE_STORAGE_TYPES.includes(disk.storageType)) {
    return { kind: "not-replicable", reason: `${disk.key} (${disk.volid}) is on ${disk.storage} (${disk.storageType}), which cannot be replicated: only ZFS can` };
  }
  return { kind: "replicated" };
}
