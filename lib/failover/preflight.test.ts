import { describe, expect, it } from "vitest";
import type { LiveCluster } from "./live-state";
import { disksByStorage, switchoverPreflight, type PreflightInput } from "./preflight";

const GIB = 1024 ** 3;
const NOW = 1_800_000_000;

function live(overrides: Partial<LiveCluster> = {}): LiveCluster {
  return {
    now: NOW,
    quorate: true,
    nodes: new Map([["pve1", true], ["pve2", true], ["pve3", true]]),
    guests: [
      { id: "qemu/101", type: "qemu", vmid: 101, node: "pve1", status: "running", name: "web" },
      { id: "lxc/102", type: "lxc", vmid: 102, node: "pve1", status: "running", name: "proxy" },
    ],
    storages: ["pve1", "pve2", "pve3"].map((node) => ({ id: `storage/${node}/local-zfs`, type: "storage", node, storage: "local-zfs", maxdisk: 1000 * GIB, disk: 100 * GIB })),
    jobs: [
      { id: "101-0", type: "local", guest: 101, jobnum: 0, target: "pve2", source: "pve1", schedule: "*/15" },
      { id: "102-0", type: "local", guest: 102, jobnum: 0, target: "pve3", source: "pve1" },
    ],
    ha: [],
    ...overrides,
  };
}

const input = (over: Partial<PreflightInput> = {}): PreflightInput => ({
  live: live(),
  vmid: 101,
  target: "pve2",
  config: { scsi0: "local-zfs:vm-101-disk-0,iothread=1,size=32G" },
  jobHealth: { status: "ok", message: "Last sync 2m ago; next run in 13m", durationSeconds: 3 },
  lock: null,
  ...over,
});

const result = (pre: ReturnType<typeof switchoverPreflight>, name: string) => pre.checks.filter((c) => c.name === name).map((c) => c.result);

describe("the switch-over checklist", () => {
  it("passes a healthy VM to its replication target and plans a live migration", () => {
    const pre = switchoverPreflight(input());
    expect(pre.verdict).toBe("pass");
    expect(pre.plan).toMatchObject({ source: "pve1", target: "pve2", mode: "online", jobId: "101-0" });
  });

  it("fails a node that holds no replica, an offline target and a cluster without quorum, each with its reason", () => {
    expect(switchoverPreflight(input({ target: "pve3" })).checks.find((c) => c.name === "Target")?.message).toMatch(/pve3 holds no replica of this guest; its replicas are on pve2/);
    const offline = switchoverPreflight(input({ live: live({ nodes: new Map([["pve1", true], ["pve2", false], ["pve3", true]]) }) }));
    expect(offline.checks.find((c) => c.name === "Target")).toMatchObject({ result: "fail", message: "pve2 is not online." });
    const noQuorum = switchoverPreflight(input({ live: live({ quorate: false }) }));
    expect(result(noQuorum, "Quorum")).toEqual(["fail"]);
    expect(noQuorum.verdict).toBe("fail");
  });

  it("warns about a late job and a full target, fails a job marked for removal", () => {
    const late = switchoverPreflight(input({ jobHealth: { status: "late", message: "Lag 2h exceeds the RPO of 30m; run due now", durationSeconds: 3 } }));
    expect(late.checks.find((c) => c.name === "Replication")).toMatchObject({ result: "warning", message: "Job 101-0: Lag 2h exceeds the RPO of 30m; run due now. The migration first sends everything written since." });
    const full = live({ storages: [{ id: "storage/pve2/local-zfs", type: "storage", node: "pve2", storage: "local-zfs", maxdisk: 1000 * GIB, disk: 1000 * GIB - 1 }] });
    expect(switchoverPreflight(input({ live: full })).checks.find((c) => c.name === "Room on target")?.message).toMatch(/is full/);
    const removing = live({ jobs: [{ ...live().jobs[0]!, remove_job: "full" }] });
    expect(result(switchoverPreflight(input({ live: removing })), "Replication")).toEqual(["fail"]);
  });

  it("names the operator who holds the guest, and Proxmox's own lock", () => {
    const held = switchoverPreflight(input({ lock: { operationId: "op1", holderLabel: "sam@example.com", acquiredAt: new Date("2026-11-29T03:00:00Z") } }));
    expect(held.checks.find((c) => c.name === "Lock")?.message).toMatch(/held by sam@example.com since 2026-11-29T03:00:00.000Z/);
    expect(result(switchoverPreflight(input({ lock: { operationId: "op1", holderLabel: "x", acquiredAt: new Date() }, ownOperationId: "op1" })), "Lock")).toEqual(["pass"]);
    expect(switchoverPreflight(input({ config: { scsi0: "local-zfs:vm-101-disk-0,size=32G", lock: "backup" } })).checks.find((c) => c.name === "Lock")?.message).toMatch(/locked \(backup\)/);
  });

  it("states a running container's downtime (restart mode), and sends HA-managed guests through HA", () => {
    const ct = switchoverPreflight(input({ vmid: 102, target: "pve3", config: { rootfs: "local-zfs:subvol-102-disk-0,size=8G" }, jobHealth: null }));
    expect(ct.plan?.mode).toBe("restart");
    expect(ct.downtime).toMatch(/The container is stopped during the move/);
    const ha = switchoverPreflight(input({ live: live({ ha: [{ sid: "vm:101", state: "started" }] }) }));
    expect(ha.plan).toMatchObject({ mode: "ha", haSid: "vm:101" });
    expect(ha.checks.find((c) => c.name === "HA")?.message).toMatch(/goes through HA/);
  });

  it("reads disk sizes per storage from the configuration, ignoring CD-ROMs", () => {
    expect(disksByStorage({ scsi0: "local-zfs:vm-1-disk-0,size=32G", scsi1: "local-zfs:vm-1-disk-1,size=512M", ide2: "local:iso/x.iso,media=cdrom", net0: "virtio=AA" }))
      .toEqual(new Map([["local-zfs", 32 * GIB + 512 * 1024 ** 2]]));
  });
});
