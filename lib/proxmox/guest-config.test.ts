import { describe, expect, it } from "vitest";
import { parseGuestDisks } from "./guest-config";

describe("parseGuestDisks", () => {
  it("reads a VM's drives, CD-ROMs, EFI disk, unused volumes and the replicate flag", () => {
    const disks = parseGuestDisks("qemu", {
      name: "db", memory: "8192",
      scsi0: "local-zfs:vm-100-disk-0,iothread=1,size=32G",
      scsi1: "local-zfs:vm-100-disk-1,replicate=0,size=200G",
      ide2: "local:iso/debian.iso,media=cdrom,size=600M",
      efidisk0: "local-zfs:vm-100-disk-2,efitype=4m,size=1M",
      unused0: "local-zfs:vm-100-disk-3",
      net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0",
      scsihw: "virtio-scsi-single",
      ide0: "none,media=cdrom",
    });
    expect(disks.map((d) => [d.key, d.volid, d.storage, d.sizeBytes, d.replicate, d.cdrom])).toEqual([
      ["efidisk0", "local-zfs:vm-100-disk-2", "local-zfs", 1024 ** 2, true, false],
      ["ide2", "local:iso/debian.iso", "local", 600 * 1024 ** 2, true, true],
      ["scsi0", "local-zfs:vm-100-disk-0", "local-zfs", 32 * 1024 ** 3, true, false],
      ["scsi1", "local-zfs:vm-100-disk-1", "local-zfs", 200 * 1024 ** 3, false, false],
      ["unused0", "local-zfs:vm-100-disk-3", "local-zfs", null, true, false],
    ]);
  });

  it("reads a container's rootfs and mount points, including a bind mount", () => {
    const disks = parseGuestDisks("lxc", {
      hostname: "proxy",
      rootfs: "local-zfs:subvol-102-disk-0,size=8G",
      mp0: "local-zfs:subvol-102-disk-1,mp=/srv/data,size=16G,replicate=0",
      mp1: "/mnt/host,mp=/host",
      net0: "name=eth0,bridge=vmbr0",
    });
    expect(disks.map((d) => [d.key, d.storage, d.replicate])).toEqual([
      ["mp0", "local-zfs", false],
      ["mp1", null, true],
      ["rootfs", "local-zfs", true],
    ]);
  });
});
