import { describe, expect, it } from "vitest";
import type { StoredDisk } from "./disk-list";
import type { HaPlacement, HaResourceState } from "./ha-state";
import { guardManualMove } from "./ha-guard";
import { assessReadiness, type ReadinessInput, type ReadinessJob } from "./readiness";

const NOW = 1_800_000_000;
const TIB = 1024 ** 4;

const disk = (key: string, volid: string, extra: Partial<StoredDisk> = {}): StoredDisk => ({
  key, volid, storage: volid.split(":")[0] ?? null, sizeBytes: 32 * 1024 ** 3, replicate: true, cdrom: false, storageType: "zfspool", shared: false, ...extra,
});
const job = (target: string, extra: Partial<ReadinessJob> = {}): ReadinessJob => ({
  jobId: `100-${target.slice(-1)}`, target, status: "ok", message: null, lastSync: NOW - 120, lagSeconds: 120, rpoSeconds: 900, overRpo: false, disabled: false, removeJob: null, ...extra,
});
const ha = (extra: Partial<HaResourceState> = {}): HaResourceState => ({
  sid: "vm:100", vmid: 100, state: "started", failback: true, group: null, maxRestart: 1, maxRelocate: 1, crmState: "started", node: "pve1", ...extra,
});
const rule = (nodes: [string, number][], extra: Partial<HaPlacement> = {}): HaPlacement => ({
  name: "r1", kind: "node-affinity", resources: ["vm:100"], nodes: nodes.map(([node, priority]) => ({ node, priority })), strict: false, failback: null, disabled: false, ...extra,
});

function input(extra: Partial<ReadinessInput> = {}): ReadinessInput {
  return {
    guest: { vmid: 100, type: "qemu", node: "pve1" },
    nodes: ["pve1", "pve2", "pve3"].map((name) => ({ name, online: true, zfs: [{ storage: "local-zfs", used: 0.5 * TIB, total: 2 * TIB }] })),
    jobs: [job("pve2")],
    disks: { list: [disk("scsi0", "local-zfs:vm-100-disk-0")], readAt: NOW - 60, error: null },
    ha: { resource: null, placements: [], placementApi: "rules" },
    now: NOW,
    ...extra,
  };
}
const codes = (r: ReturnType<typeof assessReadiness>, level?: string) => r.reasons.filter((x) => !level || x.level === level).map((x) => x.code);

describe("failover readiness of one guest", () => {
  it("is ready when a fresh, complete replica exists and HA is not involved", () => {
    const r = assessReadiness(input());
    expect(r.verdict).toBe("ready");
    expect(r.label).toBe("Ready");
    expect(codes(r, "fail")).toEqual([]);
    expect(codes(r, "warn")).toEqual([]);
    expect(codes(r)).toContain("not-ha");
    expect(r.reasons.find((x) => x.code === "not-ha")?.text).toMatch(/^Not HA-managed: if pve1 dies, nothing starts it elsewhere/);
    const dead = assessReadiness(input({ nodes: input().nodes.map((n) => ({ ...n, online: n.name !== "pve1" })) }));
    expect(dead.reasons.find((x) => x.code === "not-ha")?.text).toMatch(/^Not HA-managed: with pve1 down, nothing starts it elsewhere/);
    expect(r.replicas[0]).toMatchObject({ target: "pve2", usable: true, room: [{ storage: "local-zfs", fill: 0.25 }] });
    expect(r.disks?.[0]?.coverage.kind).toBe("replicated");
  });

  it("is not ready without any replication job, and says how to fix it", () => {
    const r = assessReadiness(input({ jobs: [] }));
    expect(r.verdict).toBe("not-ready");
    const reason = r.reasons.find((x) => x.code === "not-replicated");
    expect(reason?.text).toMatch(/no other node holds a copy/);
    expect(reason?.fix).toMatch(/Add a replication job/);
  });

  it("warns when the last copy is older than the RPO, using the job view's lag", () => {
    const r = assessReadiness(input({ jobs: [job("pve2", { status: "late", lagSeconds: 1800, overRpo: true })] }));
    expect(r.verdict).toBe("warnings");
    expect(r.reasons.find((x) => x.code === "over-rpo")?.text).toBe(
      "The copy on pve2 is 30m old, more than its RPO of 15m: a failover now loses more than you planned for.",
    );
  });

  it("is not ready when the only replica never completed, or its target is offline", () => {
    expect(assessReadiness(input({ jobs: [job("pve2", { status: "never-synced", lastSync: null, lagSeconds: null })] })).verdict).toBe("not-ready");
    const offline = input();
    offline.nodes[1]!.online = false;
    const r = assessReadiness(offline);
    expect(codes(r)).toEqual(expect.arrayContaining(["target-offline", "no-usable-replica"]));
    expect(r.verdict).toBe("not-ready");
  });

  it("a disabled or failing job is a warning while another replica is usable", () => {
    const r = assessReadiness(input({ jobs: [job("pve2"), job("pve3", { status: "failing", message: "Failed 2×: out of space", disabled: false })] }));
    expect(r.verdict).toBe("warnings");
    expect(r.reasons.find((x) => x.code === "failing")?.text).toMatch(/pve3 is failing: Failed 2×: out of space/);
    const d = assessReadiness(input({ jobs: [job("pve2"), job("pve3", { disabled: true, status: "disabled" })] }));
    expect(codes(d, "warn")).toEqual(["disabled"]);
  });

  it("warns when the target storage is nearly full", () => {
    const full = input();
    full.nodes[1]!.zfs = [{ storage: "local-zfs", used: 0.95 * TIB, total: 1 * TIB }];
    const r = assessReadiness(full);
    expect(r.verdict).toBe("warnings");
    expect(r.reasons.find((x) => x.code === "room")?.text).toMatch(/local-zfs on pve2 is 95% full \(51\.2 GB free\)|local-zfs on pve2 is 95% full/);
  });

  it("names each disk without a replica: replicate=0, a non-ZFS storage, a host path", () => {
    const r = assessReadiness(
      input({
        disks: {
          list: [
            disk("scsi0", "local-zfs:vm-100-disk-0"),
            disk("scsi1", "local-zfs:vm-100-disk-1", { replicate: false }),
            disk("scsi2", "local:100/vm-100-disk-2.qcow2", { storageType: "dir" }),
            disk("ide2", "local:iso/debian.iso", { cdrom: true, storageType: "dir" }),
            disk("scsi3", "ceph:vm-100-disk-3", { storageType: "rbd", shared: true }),
            disk("scsi4", "/dev/disk/by-id/ata-SSD1", { storage: null, storageType: null }),
          ],
          readAt: NOW - 60,
          error: null,
        },
      }),
    );
    expect(r.verdict).toBe("not-ready");
    const texts = r.reasons.filter((x) => x.code === "disk-not-replicated").map((x) => x.text);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toMatch(/scsi1 .*\(replicate=0\)/);
    expect(texts[1]).toMatch(/scsi2 .* on local \(dir\), which cannot be replicated/);
    expect(texts[2]).toMatch(/scsi4 is a host path/);
    expect(r.disks?.map((d) => d.coverage.kind)).toEqual(["replicated", "excluded", "not-replicable", "cdrom", "shared", "not-replicable"]);
  });

  it("warns when the disk list was never read", () => {
    const r = assessReadiness(input({ disks: null }));
    expect(codes(r, "warn")).toEqual(["disks-unknown"]);
  });

  it("HA without a rule could recover the guest onto a node with no replica: not ready, with the fix", () => {
    const r = assessReadiness(input({ ha: { resource: ha(), placements: [], placementApi: "rules" } }));
    expect(r.verdict).toBe("not-ready");
    expect(r.ha).toMatchObject({ managed: true, tiers: [["pve2", "pve3"]], gapNodes: ["pve3"] });
    const gap = r.reasons.find((x) => x.code === "ha-gap");
    expect(gap?.text).toMatch(/HA could recover vm:100 to pve3, which holds no replica/);
    expect(gap?.fix).toBe("Add a strict node-affinity rule for vm:100 with nodes pve2, or add replication jobs to pve3.");
  });

  it("a strict rule limited to the replication target closes the gap", () => {
    const r = assessReadiness(input({ ha: { resource: ha(), placements: [rule([["pve1", 0], ["pve2", 0]], { strict: true })], placementApi: "rules" } }));
    expect(r.ha.gapNodes).toEqual([]);
    expect(codes(r, "fail")).toEqual([]);
  });

  it("a non-strict rule leaves a fallback gap (warning) and failback pulls the guest back, with its cost", () => {
    const r = assessReadiness(input({ ha: { resource: ha(), placements: [rule([["pve1", 2], ["pve2", 1]])], placementApi: "rules" } }));
    expect(r.ha.tiers).toEqual([["pve2"], ["pve3"]]);
    expect(r.verdict).toBe("warnings");
    expect(codes(r, "warn")).toEqual(["ha-gap-fallback", "ha-failback"]);
    const failback = r.reasons.find((x) => x.code === "ha-failback")!;
    expect(failback.text).toMatch(/When pve1 returns after a failure, HA migrates vm:100 back to it at once/);
    expect(failback.text).toMatch(/discarded without asking/);
    expect(r.ha.failback?.kind).toBe("moves-back");
  });

  it("failback off, or no preferred node, is information only", () => {
    const off = assessReadiness(input({ ha: { resource: ha({ failback: false }), placements: [rule([["pve1", 2], ["pve2", 1]], { strict: true })], placementApi: "rules" } }));
    expect(off.ha.failback?.kind).toBe("disabled");
    expect(off.verdict).toBe("ready");
    const even = assessReadiness(input({ ha: { resource: ha(), placements: [rule([["pve1", 0], ["pve2", 0]], { strict: true })], placementApi: "rules" } }));
    expect(even.ha.failback?.kind).toBe("none");
  });

  it("reads PVE 8 groups: restricted like strict, nofailback, and the fix speaks of groups", () => {
    const group: HaPlacement = { name: "db", kind: "group", resources: null, nodes: [{ node: "pve1", priority: 2 }, { node: "pve3", priority: 1 }], strict: true, failback: false, disabled: false };
    const r = assessReadiness(input({ ha: { resource: ha({ group: "db" }), placements: [group], placementApi: "groups" } }));
    expect(r.ha.tiers).toEqual([["pve3"]]);
    expect(r.reasons.find((x) => x.code === "ha-gap")?.fix).toBe("Put vm:100 in an HA group restricted to pve2, or add replication jobs to pve3.");
    expect(r.ha.failback?.kind).toBe("disabled");
  });

  it("an ignored HA resource is a warning and not treated as managed", () => {
    const r = assessReadiness(input({ ha: { resource: ha({ state: "ignored" }), placements: [], placementApi: "rules" } }));
    expect(codes(r, "warn")).toContain("ha-ignored");
    expect(r.ha.managed).toBe(false);
  });

  it("puts failures first, then warnings, then information", () => {
    const r = assessReadiness(input({ jobs: [job("pve2", { overRpo: true, lagSeconds: 5000, status: "late" })], disks: null, ha: { resource: ha(), placements: [], placementApi: "rules" } }));
    const levels = r.reasons.map((x) => x.level);
    expect(levels).toEqual([...levels].sort((a, b) => ["fail", "warn", "info"].indexOf(a) - ["fail", "warn", "info"].indexOf(b)));
  });
});

describe("guardManualMove", () => {
  it("refuses to move an HA-managed guest by hand, with the reason", () => {
    const dead = guardManualMove({ sid: "vm:100", haResource: ha(), nodeOnline: false });
    expect(dead.allowed).toBe(false);
    expect(!dead.allowed && dead.reason).toMatch(/HA fences its dead node and recovers it by itself/);
    const live = guardManualMove({ sid: "vm:100", haResource: ha(), nodeOnline: true });
    expect(!live.allowed && live.reason).toMatch(/move it through HA/);
  });

  it("allows guests HA does not manage or ignores", () => {
    expect(guardManualMove({ sid: "vm:101", haResource: null, nodeOnline: false })).toEqual({ allowed: true });
    expect(guardManualMove({ sid: "vm:100", haResource: ha({ state: "ignored" }), nodeOnline: false })).toEqual({ allowed: true });
  });
});
