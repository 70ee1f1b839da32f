import { ClusterModel } from "./cluster";
import type { Guest, GuestDisk, GuestType, JobConfig } from "./model-types";
import { createPrng } from "./prng";
import { startTask } from "./tasks";

export type ScenarioName = "demo" | "large" | "empty";
export const SCENARIOS: readonly ScenarioName[] = ["demo", "large", "empty"];

export type ScenarioOptions = {
  seed: number;
  /** Simulated start time (unix seconds); boots and tasks are placed before it. */
  start: number;
  timeZone?: string;
  /** `large` only. */
  nodes?: number;
  guests?: number;
};

const GIB = 1024 ** 3;
const TIB = 1024 ** 4;
const KB = 1000;
const MB = 1000 * 1000;

/** Builds a named, seed-deterministic cluster. */
export function buildScenario(name: ScenarioName, options: ScenarioOptions): ClusterModel {
  switch (name) {
    case "demo":
      return buildDemo(options);
    case "large":
      return buildLarge(options);
    case "empty":
      return buildEmpty(options);
  }
}

function baseCluster(options: ScenarioOptions, nodeCount: number, zfsSizes: (i: number) => number, name: string): ClusterModel {
  const model = new ClusterModel({ clusterName: name, seed: options.seed, timeZone: options.timeZone });
  const rnd = createPrng(options.seed ^ 0x5eed);
  const names: string[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const node = `pve${i + 1}`;
    names.push(node);
    model.addNode({
      name: node,
      nodeid: i + 1,
      ip: `10.10.${10 + Math.floor(i / 250)}.${11 + (i % 250)}`,
      online: true,
      cpus: 32,
      memory: 256 * GIB,
      bootTime: Math.floor(options.start - 86_400 * (9 + rnd() * 20)),
    });
  }
  // The installer's defaults on ZFS (pve-docs local-zfs.adoc): `local` (dir) and `local-zfs`.
  model.addStorage({ storage: "local", type: "dir", path: "/var/lib/vz", content: "backup,iso,vztmpl", shared: 0 }, Object.fromEntries(names.map((n) => [n, 98 * GIB])));
  model.addStorage(
    { storage: "local-zfs", type: "zfspool", pool: "rpool/data", sparse: 1, content: "images,rootdir", shared: 0 },
    Object.fromEntries(names.map((n, i) => [n, zfsSizes(i)])),
  );
  return model;
}

type GuestSpec = {
  vmid: number;
  type: GuestType;
  name: string;
  node: string;
  disks: number[];
  rate: number;
  stopped?: boolean;
  tags?: string;
  storage?: string;
};

function addGuest(model: ClusterModel, spec: GuestSpec, rnd: () => number): Guest {
  const node = model.requireNode(spec.node);
  const storage = spec.storage ?? "local-zfs";
  const disks: GuestDisk[] = spec.disks.map((gib, i) => {
    const key = spec.type === "qemu" ? `scsi${i}` : i === 0 ? "rootfs" : `mp${i - 1}`;
    const volname =
      storage === "local"
        ? `${spec.vmid}/vm-${spec.vmid}-disk-${i}.qcow2`
        : `${spec.type === "lxc" ? "subvol" : "vm"}-${spec.vmid}-disk-${i}`;
    return { key, volid: `${storage}:${volname}`, size: gib * GIB, replicate: true };
  });
  const guest: Guest = {
    vmid: spec.vmid,
    type: spec.type,
    name: spec.name,
    node: spec.node,
    status: spec.stopped ? "stopped" : "running",
    cpus: spec.type === "qemu" ? 4 : 2,
    maxmem: (spec.type === "qemu" ? 8 : 2) * GIB,
    disks,
    changeRate: spec.rate * (0.85 + rnd() * 0.3),
    startedAt: node.bootTime + 60 + Math.floor(rnd() * 120),
    ostype: spec.type === "qemu" ? "l26" : "debian",
    onboot: spec.stopped ? undefined : 1,
  };
  if (spec.tags) guest.tags = spec.tags;
  model.addGuest(guest, node.bootTime - 86_400 * 30);
  if (!spec.stopped) {
    const kind = spec.type === "qemu" ? "qmstart" : "vzstart";
    startTask(model, {
      node: spec.node, type: kind, id: String(spec.vmid), user: "root@pam", start: guest.startedAt, duration: 1 + rnd() * 2, lines: [],
    });
  }
  return guest;
}

function addJob(model: ClusterModel, id: string, target: string, options: Partial<JobConfig> = {}): void {
  const [guest, jobnum] = id.split("-").map(Number) as [number, number];
  model.putJob({ id, type: "local", guest, jobnum, target, source: model.guest(guest)?.node, ...options });
}

/** What a boot leaves in the task list: `startall` for the onboot guests. */
function bootTasks(model: ClusterModel): void {
  for (const node of model.nodes) {
    const guests = model.guestsOn(node.name).filter((g) => g.onboot);
    startTask(model, {
      node: node.name, type: "startall", id: "", user: "root@pam", start: node.bootTime + 50, duration: 180,
      lines: guests.map((g, i) => ({ dt: i * 2, msg: `Starting ${g.type === "qemu" ? "VM" : "CT"} ${g.vmid}` })),
    });
  }
}

/**
 * Three nodes, twelve guests. pve3's local-zfs is nearly full, so the big file server's job
 * to pve3 fails with "out of space" while the small containers still fit; 104-0 is disabled;
 * VM 100 is HA-managed, with a strict node-affinity rule to the nodes that hold its disks (pve1, pve2); VM 110 has its disk on `local` (dir), which cannot replicate.
 */
function buildDemo(options: ScenarioOptions): ClusterModel {
  const sizes = [2 * TIB, 2 * TIB, 1 * TIB];
  const model = baseCluster(options, 3, (i) => sizes[i] as number, "demo-cluster");
  const rnd = createPrng(options.seed);
  const g = (spec: GuestSpec) => addGuest(model, spec, rnd);
  g({ vmid: 100, type: "qemu", name: "db-primary", node: "pve1", disks: [32, 200], rate: 2 * MB, tags: "db;prod" });
  g({ vmid: 101, type: "qemu", name: "web-01", node: "pve1", disks: [32], rate: 300 * KB, tags: "prod;web" });
  g({ vmid: 102, type: "lxc", name: "proxy", node: "pve1", disks: [8], rate: 50 * KB, tags: "prod" });
  g({ vmid: 103, type: "qemu", name: "mail", node: "pve1", disks: [64], rate: 500 * KB });
  g({ vmid: 104, type: "qemu", name: "build-runner", node: "pve2", disks: [100], rate: 1 * MB, tags: "ci" });
  g({ vmid: 105, type: "qemu", name: "fileserver", node: "pve2", disks: [32, 500], rate: 400 * KB, tags: "prod" });
  g({ vmid: 106, type: "lxc", name: "monitoring", node: "pve2", disks: [16], rate: 200 * KB });
  g({ vmid: 107, type: "qemu", name: "app-02", node: "pve2", disks: [48], rate: 600 * KB, tags: "prod;web" });
  g({ vmid: 108, type: "lxc", name: "dns", node: "pve3", disks: [4], rate: 10 * KB });
  g({ vmid: 109, type: "qemu", name: "backup-proxy", node: "pve3", disks: [32], rate: 100 * KB });
  g({ vmid: 110, type: "qemu", name: "legacy-erp", node: "pve1", disks: [80], rate: 300 * KB, storage: "local", tags: "legacy" });
  g({ vmid: 111, type: "lxc", name: "dev-sandbox", node: "pve3", disks: [8], rate: 80 * KB, stopped: true, tags: "dev" });

  addJob(model, "100-0", "pve2", { schedule: "*/5", rate: 80, comment: "database, tight RPO" });
  addJob(model, "101-0", "pve2");
  addJob(model, "102-0", "pve3", { schedule: "*/15" });
  addJob(model, "103-0", "pve2", { schedule: "hourly" });
  addJob(model, "104-0", "pve1", { disable: 1, comment: "paused while the runner is rebuilt" });
  addJob(model, "105-0", "pve3", { schedule: "hourly", comment: "file shares" });
  addJob(model, "106-0", "pve1", { schedule: "*/5" });
  addJob(model, "107-0", "pve1", { schedule: "*/15" });
  addJob(model, "108-0", "pve1", { schedule: "*/15" });
  addJob(model, "108-1", "pve2", { schedule: "hourly" });
  addJob(model, "109-0", "pve2", { schedule: "hourly" });
  addJob(model, "111-0", "pve1", { schedule: "*/15" });
  model.haResources.set("vm:100", { sid: "vm:100", type: "vm", state: "started", max_restart: 1, max_relocate: 1, failback: 1 });
  // HA may only recover the database where its replica is (strict); equal priorities, so nothing fails back.
  model.haRules.push({ rule: "db-on-replicas", type: "node-affinity", resources: ["vm:100"], nodes: [{ node: "pve1" }, { node: "pve2" }], strict: true });

  // Leave ~60 GiB free on pve3: enough for the small replicas, not for the 500 GiB file share.
  const pve3 = model.storageOn("pve3", "local-zfs");
  if (pve3) pve3.extraUsed = Math.max(0, model.storageUsage("pve3", "local-zfs").avail - 60 * GIB);
  bootTasks(model);
  return model;
}

/** Sizes from flags (default 20 nodes, 2,000 guests) for benchmarks: one job per guest to the next node. */
function buildLarge(options: ScenarioOptions): ClusterModel {
  const nodeCount = Math.max(2, options.nodes ?? 20);
  const guestCount = Math.max(0, options.guests ?? 2000);
  const model = baseCluster(options, nodeCount, () => 40 * TIB, "large-cluster");
  const rnd = createPrng(options.seed);
  const schedules = ["*/5", "*/15", "*/15", "*/30", "hourly"];
  for (let i = 0; i < guestCount; i++) {
    const vmid = 100 + i;
    const nodeIndex = i % nodeCount;
    const type: GuestType = rnd() < 0.7 ? "qemu" : "lxc";
    addGuest(
      model,
      {
        vmid, type, name: `${type === "qemu" ? "vm" : "ct"}-${vmid}`, node: `pve${nodeIndex + 1}`,
        disks: [8 + Math.floor(rnd() * 120)], rate: 10 * KB + rnd() * 2 * MB, stopped: rnd() < 0.08,
      },
      rnd,
    );
    if (rnd() < 0.1) continue;
    addJob(model, `${vmid}-0`, `pve${((nodeIndex + 1) % nodeCount) + 1}`, {
      schedule: schedules[Math.floor(rnd() * schedules.length)],
      ...(rnd() < 0.05 ? { disable: 1 } : {}),
    });
  }
  bootTasks(model);
  return model;
}

function buildEmpty(options: ScenarioOptions): ClusterModel {
  const model = baseCluster(options, Math.max(1, options.nodes ?? 3), () => 2 * TIB, "empty-cluster");
  bootTasks(model);
  return model;
}
