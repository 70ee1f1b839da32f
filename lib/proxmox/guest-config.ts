import { z } from "zod";

import type { ProxmoxClient } from "./client";
import type { GuestType } from "./guests";
import { assertNodeName, assertVmid, pvePath } from "./params";
import type { PveResult } from "./response";

type CallOptions = { signal?: AbortSignal };

// Only the keys pve-standby reads; the config holds many more (disks, nets, …) kept as unknown.
export const guestConfigSchema = z
  .object({
    name: z.string().optional(),
    hostname: z.string().optional(),
    startup: z.string().optional(),
    onboot: z.union([z.number(), z.string()]).optional(),
    lock: z.string().optional(),
    digest: z.string().optional(),
  })
  .catchall(z.unknown());
export type GuestConfig = z.infer<typeof guestConfigSchema>;

/**
 * The guest's current configuration (`/etc/pve/nodes/<node>/…/<vmid>.conf`); proxied to its node,
 * so a dead node's guests cannot be read (which is why the poller keeps their disk lists).
 */
export function getGuestConfig(
  client: ProxmoxClient,
  node: string,
  type: GuestType,
  vmid: number,
  options: CallOptions = {},
): Promise<PveResult<GuestConfig>> {
  const path = pvePath`/nodes/${assertNodeName(node)}/${type}/${assertVmid(vmid)}/config`;
  return client.call({ method: "GET", path, schema: guestConfigSchema, ...options });
}

/**
 * `startup: order=2,up=30,down=60` (pve-guest-common PVE::JSONSchema pve-startup-order). Guests
 * without an order start after those with one (pve-manager startall), so they sort last.
 */
export function readStartupOrder(startup: string | undefined): number | null {
  if (!startup) return null;
  const match = /(?:^|,)order=(\d+)(?:,|$)/.exec(startup) ?? /^(\d+)(?:,|$)/.exec(startup);
  return match ? Number(match[1]) : null;
}

/** pve-manager startall's order: by `order`, those without one after them, then by VMID. */
export function byStartupOrder(a: { startupOrder: number | null; vmid: number }, b: { startupOrder: number | null; vmid: number }): number {
  return (a.startupOrder ?? Infinity) - (b.startupOrder ?? Infinity) || a.vmid - b.vmid;
}

/** One disk or mount point of a guest as its configuration declares it. */
export type GuestDiskEntry = {
  /** Config key: scsi0, virtio1, efidisk0, rootfs, mp0, unused0, … */
  key: string;
  /** `storage:volume`, or an absolute path for a host device, file or bind mount. */
  volid: string;
  /** Storage id, null for a path. */
  storage: string | null;
  /** Bytes from `size=`, null when the config does not say. */
  sizeBytes: number | null;
  /** The per-disk `replicate` option (default 1; `replicate=0` excludes the disk). */
  replicate: boolean;
  /** A CD-ROM drive is never replicated nor needed on the target. */
  cdrom: boolean;
};

const QEMU_DISK_KEY = /^(ide|sata|scsi|virtio)\d+$|^(efidisk|tpmstate)0$|^unused\d+$/;
const LXC_DISK_KEY = /^rootfs$|^mp\d+$|^unused\d+$/;

/**
 * The disks of a configuration, as pve-guest-common's get_replicatable_volumes walks them:
 * drives (qemu-server Drive.pm), mount points (pve-container), and unused volumes. Snapshots'
 * sections are not part of the API answer and so not listed.
 */
export function parseGuestDisks(type: GuestType, config: Record<string, unknown>): GuestDiskEntry[] {
  const keyRe = type === "qemu" ? QEMU_DISK_KEY : LXC_DISK_KEY;
  const disks: GuestDiskEntry[] = [];
  for (const [key, raw] of Object.entries(config)) {
    if (!keyRe.test(key) || typeof raw !== "string" || raw === "") continue;
    const parts = raw.split(",");
    const options = new Map<string, string>();
    let volid = "";
    parts.forEach((part, i) => {
      const eq = part.indexOf("=");
      // The volume is the first, unnamed part (or `file=`/`volume=` spelled out).
      if (i === 0 && eq < 0) volid = part;
      else if (eq > 0) options.set(part.slice(0, eq), part.slice(eq + 1));
    });
    volid = volid || options.get("file") || options.get("volume") || "";
    if (volid === "" || volid === "none") continue;
    const cdrom = options.get("media") === "cdrom" || volid === "cdrom";
    const storage = volid.startsWith("/") ? null : (volid.split(":")[0] ?? null);
    disks.push({ key, volid, storage, sizeBytes: parseSize(options.get("size")), replicate: !["0", "no", "off", "false"].includes(options.get("replicate") ?? "1"), cdrom });
  }
  return disks.sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
}

const UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `size=32G` (pve-common's disk-size format: a number and an optional K/M/G/T suffix). */
function parseSize(text: string | undefined): number | null {
  const match = text?.match(/^(\d+(?:\.\d+)?)([KMGT]?)$/i);
  if (!match) return null;
  return Math.round(Number(match[1]) * (UNITS[(match[2] ?? "").toUpperCase()] ?? 1));
}
