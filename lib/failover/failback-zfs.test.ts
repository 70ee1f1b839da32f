import { describe, expect, it } from "vitest";
import { divergenceCommand, parseWritten, preservationCommands, readBackExisting, replicationSnapshotName, volumeDatasets, volumeStates } from "./failback-zfs";

const plan = {
  failedAt: 1_795_000_000,
  volumes: [
    { volid: "local-zfs:vm-100-disk-0", storage: "local-zfs", name: "vm-100-disk-0" },
    { volid: "tank-zfs:subvol-102-disk-0", storage: "tank-zfs", name: "subvol-102-disk-0" },
  ],
};
const pools: Record<string, string> = { "local-zfs": "rpool/data", "tank-zfs": "tank" };
const datasets = volumeDatasets(plan, (s) => pools[s] ?? null);

describe("failback's ZFS commands", () => {
  it("keeps each volume by renaming it out of its storage's dataset, within the same pool", () => {
    expect(datasets).toEqual([
      { volid: "local-zfs:vm-100-disk-0", dataset: "rpool/data/vm-100-disk-0", kept: "rpool/pve-standby-kept/vm-100-disk-0-1795000000" },
      { volid: "tank-zfs:subvol-102-disk-0", dataset: "tank/subvol-102-disk-0", kept: "tank/pve-standby-kept/subvol-102-disk-0-1795000000" },
    ]);
    expect(preservationCommands(datasets)).toEqual([
      "zfs rename -p rpool/data/vm-100-disk-0 rpool/pve-standby-kept/vm-100-disk-0-1795000000",
      "zfs rename -p tank/subvol-102-disk-0 tank/pve-standby-kept/subvol-102-disk-0-1795000000",
    ]);
  });

  it("refuses names that could carry shell syntax, and storages without a pool", () => {
    expect(() => volumeDatasets({ ...plan, volumes: [{ volid: "x:vm-1;rm -rf /", storage: "local-zfs", name: "vm-1;rm -rf /" }] }, () => "rpool/data")).toThrow(/unexpected dataset name/);
    expect(() => volumeDatasets(plan, () => null)).toThrow(/no ZFS pool/);
    expect(() => divergenceCommand(datasets, "snap$(reboot)")).toThrow(/unexpected snapshot name/);
  });

  it("measures the divergence with written@ the last common replication snapshot and reads zfs's answer", () => {
    const base = replicationSnapshotName("100-0", 1_794_999_000);
    expect(divergenceCommand(datasets, base)).toBe("zfs get -Hp -o name,value written@__replicate_100-0_1794999000__ rpool/data/vm-100-disk-0 tank/subvol-102-disk-0");
    const read = parseWritten({ code: 1, stdout: "rpool/data/vm-100-disk-0\t123456789\ntank/subvol-102-disk-0\t-\n", stderr: "" }, datasets);
    expect(read).toEqual([
      { dataset: "rpool/data/vm-100-disk-0", bytes: 123_456_789, error: null },
      { dataset: "tank/subvol-102-disk-0", bytes: null, error: "the base snapshot is not on tank/subvol-102-disk-0" },
    ]);
  });

  it("reads back each name on its own, so a missing one never hides the others", async () => {
    const present = new Set(["rpool/pve-standby-kept/vm-100-disk-0-1795000000", "tank/subvol-102-disk-0"]);
    const existing = await readBackExisting(async (command) => {
      const name = command.split(" ").at(-1) as string;
      return present.has(name) ? { code: 0, stdout: `${name}\n`, stderr: "" } : { code: 1, stdout: "", stderr: `cannot open '${name}': dataset does not exist\n` };
    }, datasets);
    expect(volumeStates(existing, datasets)).toEqual([
      { volid: "local-zfs:vm-100-disk-0", state: "kept" },
      { volid: "tank-zfs:subvol-102-disk-0", state: "untouched" },
    ]);
  });
});
