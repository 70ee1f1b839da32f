import type { ClusterModel } from "./cluster";
import type { Volume } from "./model-types";

// The ZFS namespace of one node (OpenZFS 2.3 semantics, man pages zfs-snapshot/-clone/-promote/
// -rename/-destroy/-receive, libzfs_sendrecv.c, dmu_recv.c): the storage volumes the model holds
// (`<pool>/<volname>`, snapshots in Volume.snapshots) plus the datasets an operator made by hand
// (clones, received copies, renamed volumes), which no Proxmox code path knows. A snapshot is
// identified by name and creation time (its GUID). Divergent writes (Volume.divergent) are the
// data at stake on a returning node: a snapshot taken after them, and every copy of it, holds them.

export type Divergent = NonNullable<Volume["divergent"]>;

export type Dataset = {
  name: string;
  type: "filesystem" | "volume";
  used: number;
  volsize?: number;
  creation: number;
  snapshots: Map<string, number>;
  /** `<dataset>@<snap>` this dataset is a clone of. */
  origin?: string;
  /** Divergent writes held in the live data (not yet in any snapshot). */
  held?: Divergent;
  /** The storage volume (volid) when this is one of Proxmox's volumes. */
  volid?: string;
};

type NodeZfs = {
  extras: Map<string, Dataset>;
  /** Clone origins of storage volumes (after a promote made a volume a clone). */
  volumeOrigins: Map<string, string>;
  /** `<dataset>@<snap>` → the divergent writes the snapshot holds. */
  snapHeld: Map<string, Divergent>;
  /** Counter for libzfs's `recv-<pid>-<n>` renames. */
  seq: number;
};

const STATE = new WeakMap<ClusterModel, Map<string, NodeZfs>>();

function zfsOf(model: ClusterModel, node: string): NodeZfs {
  let byNode = STATE.get(model);
  if (!byNode) STATE.set(model, (byNode = new Map()));
  let z = byNode.get(node);
  if (!z) byNode.set(node, (z = { extras: new Map(), volumeOrigins: new Map(), snapHeld: new Map(), seq: 0 }));
  return z;
}

export class ZfsError extends Error {}

/** The datasets a Proxmox ZFS node has besides the storage's volumes (installer layout). */
function baseFilesystems(model: ClusterModel): string[] {
  const names = new Set(["rpool", "rpool/ROOT", "rpool/ROOT/pve-1"]);
  for (const s of model.storages) {
    if (s.type !== "zfspool" || !s.pool) continue;
    const parts = s.pool.split("/");
    for (let i = 1; i <= parts.length; i++) names.add(parts.slice(0, i).join("/"));
  }
  return [...names];
}

export function zfsNamespace(model: ClusterModel, node: string) {
  const z = zfsOf(model, node);
  const volumeDataset = (vol: Volume): Dataset | undefined => {
    const pool = model.storageConfig(vol.storage)?.pool;
    if (!pool || model.storageConfig(vol.storage)?.type !== "zfspool") return undefined;
    const name = `${pool}/${vol.volid.split(":")[1]}`;
    return {
      name, type: vol.format === "subvol" ? "filesystem" : "volume", used: vol.used, volsize: vol.format === "subvol" ? undefined : vol.size,
      creation: vol.ctime, snapshots: vol.snapshots, origin: z.volumeOrigins.get(name), held: vol.divergent, volid: vol.volid,
    };
  };

  const ns = {
    node,
    list(): Dataset[] {
      const out: Dataset[] = baseFilesystems(model).map((name) => ({ name, type: "filesystem", used: 0, creation: model.node(node)?.bootTime ?? 0, snapshots: new Map() }));
      for (const vol of model.volumesOn(node)) {
        const ds = volumeDataset(vol);
        if (ds) out.push(ds);
      }
      out.push(...z.extras.values());
      for (const fs of out) if (fs.used === 0 && fs.type === "filesystem") fs.used = out.filter((d) => d.name.startsWith(`${fs.name}/`)).reduce((s, d) => s + d.used, 0) + 98_304;
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    /** Direct lookups (pvesr asks on every run; listing a large node each time would be slow). */
    get(name: string): Dataset | undefined {
      const extra = z.extras.get(name);
      if (extra) return extra;
      const slash = name.lastIndexOf("/");
      const pool = name.slice(0, slash);
      const storage = model.storages.find((st) => st.type === "zfspool" && st.pool === pool);
      const vol = storage ? model.volume(node, `${storage.storage}:${name.slice(slash + 1)}`) : undefined;
      if (vol) return volumeDataset(vol);
      return baseFilesystems(model).includes(name) ? ns.list().find((d) => d.name === name) : undefined;
    },
    require(name: string, what = "open"): Dataset {
      const ds = ns.get(name);
      if (!ds) throw new ZfsError(`cannot ${what} '${name}': dataset does not exist`);
      return ds;
    },
    /** Datasets (on this node) that are clones of `<dataset>@<snap>`. */
    clonesOf(snapshot: string): Dataset[] {
      const out = [...z.extras.values()].filter((d) => d.origin === snapshot);
      for (const [name, origin] of z.volumeOrigins) if (origin === snapshot) out.push(ns.get(name) as Dataset);
      return out.filter(Boolean);
    },
    snapshotHeld(snapshot: string): Divergent | undefined {
      return z.snapHeld.get(snapshot);
    },
    setSnapshotHeld(snapshot: string, held: Divergent | undefined): void {
      if (held) z.snapHeld.set(snapshot, held);
      else z.snapHeld.delete(snapshot);
    },
    /** The live data of a dataset becomes a received snapshot's: divergent writes are gone (or arrive). */
    setLiveData(name: string, held: Divergent | undefined, used: number): void {
      const extra = z.extras.get(name);
      if (extra) {
        extra.held = held;
        extra.used = used;
        return;
      }
      const vol = model.volumesOn(node).find((v) => volumeDataset(v)?.name === name);
      if (!vol) return;
      if (held) vol.divergent = held;
      else delete vol.divergent;
      vol.used = used;
    },
    addExtra(ds: Dataset): void {
      z.extras.set(ds.name, ds);
      model.touch();
    },
    snapshot(name: string, snap: string, at: number): void {
      const ds = ns.require(name);
      if (ds.snapshots.has(snap)) throw new ZfsError(`cannot create snapshot '${name}@${snap}': dataset already exists`);
      ds.snapshots.set(snap, Math.floor(at));
      if (ds.held) z.snapHeld.set(`${name}@${snap}`, ds.held);
      model.touch();
    },
    destroySnapshot(name: string, snap: string): void {
      const ds = ns.require(`${name}@${snap}`.split("@")[0] as string);
      if (!ds.snapshots.has(snap)) throw new ZfsError(`could not find any snapshots to destroy; check snapshot names.`);
      const clones = ns.clonesOf(`${name}@${snap}`);
      if (clones.length) throw new ZfsError(`cannot destroy '${name}@${snap}': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\n${clones.map((c) => c.name).join("\n")}`);
      ds.snapshots.delete(snap);
      z.snapHeld.delete(`${name}@${snap}`);
      model.touch();
    },
    /** `zfs destroy [-r]` of a dataset; volumes of the storage are Proxmox's and go from the model too. */
    destroy(name: string, recursive: boolean): void {
      const ds = ns.require(name);
      if (!name.includes("/")) throw new ZfsError(`cannot destroy '${name}': operation does not apply to pools\nuse 'zfs destroy -r ${name}' to destroy all datasets in the pool\nuse 'zpool destroy ${name}' to destroy the pool itself`);
      const children = [...ns.list().filter((d) => d.name.startsWith(`${name}/`)).map((d) => d.name), ...[...ds.snapshots.keys()].map((s) => `${name}@${s}`)];
      if (children.length && !recursive) throw new ZfsError(`cannot destroy '${name}': ${ds.type} has children\nuse '-r' to destroy the following datasets:\n${children.join("\n")}`);
      const dependents = [...ds.snapshots.keys()].flatMap((s) => ns.clonesOf(`${name}@${s}`).map((c) => c.name));
      if (dependents.length) throw new ZfsError(`cannot destroy '${name}': ${ds.type} has dependent clones\nuse '-R' to destroy the following datasets:\n${dependents.join("\n")}`);
      if (inUse(ds)) throw new ZfsError(`cannot destroy '${name}': dataset is busy`);
      for (const child of ns.list().filter((d) => d.name.startsWith(`${name}/`)).reverse()) ns.destroy(child.name, true);
      if (ds.volid) model.deleteVolume(node, ds.volid);
      z.extras.delete(name);
      z.volumeOrigins.delete(name);
      for (const key of [...z.snapHeld.keys()]) if (key.startsWith(`${name}@`)) z.snapHeld.delete(key);
      model.touch();
    },
    create(name: string, type: Dataset["type"], at: number, volsize?: number, parents = false): Dataset {
      if (ns.get(name)) throw new ZfsError(`cannot create '${name}': dataset already exists`);
      const parent = name.slice(0, name.lastIndexOf("/"));
      if (!parent.includes("/") && parent !== "rpool") throw new ZfsError(`cannot create '${name}': no such pool '${parent.split("/")[0]}'`);
      if (!ns.get(parent)) {
        if (!parents) throw new ZfsError(`cannot create '${name}': parent does not exist`);
        ns.create(parent, "filesystem", at, undefined, true);
      }
      const ds: Dataset = { name, type, used: type === "filesystem" ? 98_304 : 0, volsize, creation: Math.floor(at), snapshots: new Map() };
      z.extras.set(name, ds);
      model.touch();
      return ds;
    },
    clone(snapshot: string, target: string, at: number, parents: boolean): void {
      const [name, snap] = snapshot.split("@") as [string, string];
      const ds = ns.require(name);
      if (!ds.snapshots.has(snap)) throw new ZfsError(`cannot open '${snapshot}': dataset does not exist`);
      if (target.split("/")[0] !== name.split("/")[0]) throw new ZfsError(`cannot create '${target}': source and target pools differ`);
      const clone = ns.create(target, ds.type, at, ds.volsize, parents);
      clone.origin = snapshot;
      clone.used = 0;
      clone.held = z.snapHeld.get(snapshot);
    },
    /** The origin's snapshots up to the cloned one move to the clone; the origin becomes its clone. */
    promote(name: string): void {
      const clone = ns.require(name);
      if (!clone.origin) throw new ZfsError(`cannot promote '${name}': not a cloned filesystem`);
      const [originName, originSnap] = clone.origin.split("@") as [string, string];
      const origin = ns.require(originName);
      const cut = origin.snapshots.get(originSnap) ?? 0;
      const moving = [...origin.snapshots.entries()].filter(([, t]) => t <= cut);
      const conflict = moving.find(([s]) => clone.snapshots.has(s));
      if (conflict) throw new ZfsError(`cannot promote '${name}': conflicting snapshot '@${conflict[0]}' from parent '${originName}'`);
      for (const [s, t] of moving) {
        origin.snapshots.delete(s);
        clone.snapshots.set(s, t);
        const held = z.snapHeld.get(`${originName}@${s}`);
        z.snapHeld.delete(`${originName}@${s}`);
        if (held) z.snapHeld.set(`${name}@${s}`, held);
        for (const other of ns.clonesOf(`${originName}@${s}`)) setOrigin(other, `${name}@${s}`);
      }
      setOrigin(clone, origin.origin);
      setOrigin(origin, `${name}@${originSnap}`);
      clone.used += origin.used;
      model.touch();
    },
    /** `zfs rename`: a volume renamed out of its storage stops being Proxmox's (and vice versa is not simulated). */
    rename(from: string, to: string, at: number, parents: boolean): void {
      const ds = ns.require(from);
      if (ns.get(to)) throw new ZfsError(`cannot rename to '${to}': dataset already exists`);
      if (to.split("/")[0] !== from.split("/")[0]) throw new ZfsError(`cannot rename to '${to}': datasets must be within same pool`);
      if (to.startsWith(`${from}/`)) throw new ZfsError(`cannot rename to '${to}': New dataset name cannot be a descendant of current dataset name`);
      const parent = to.slice(0, to.lastIndexOf("/"));
      if (!ns.get(parent)) {
        if (!parents) throw new ZfsError(`cannot rename to '${to}': parent does not exist`);
        ns.create(parent, "filesystem", at, undefined, true);
      }
      if (ns.list().some((d) => d.name.startsWith(`${from}/`))) throw new ZfsError(`cannot rename '${from}': renaming a dataset with children is not simulated`);
      if (inUse(ds)) throw new ZfsError(`cannot rename '${from}': dataset is busy`);
      const moved: Dataset = { ...ds, name: to, snapshots: new Map(ds.snapshots), volid: undefined };
      if (ds.volid) model.deleteVolume(node, ds.volid);
      z.extras.delete(from);
      z.volumeOrigins.delete(from);
      z.extras.set(to, moved);
      for (const [s] of ds.snapshots) {
        const held = z.snapHeld.get(`${from}@${s}`);
        z.snapHeld.delete(`${from}@${s}`);
        if (held) z.snapHeld.set(`${to}@${s}`, held);
        for (const c of ns.clonesOf(`${from}@${s}`)) setOrigin(c, `${to}@${s}`);
      }
      model.touch();
    },
    renameSnapshot(name: string, from: string, to: string): void {
      const ds = ns.require(name);
      const t = ds.snapshots.get(from);
      if (t === undefined) throw new ZfsError(`cannot open '${name}@${from}': dataset does not exist`);
      if (ds.snapshots.has(to)) throw new ZfsError(`cannot rename to '${name}@${to}': dataset already exists`);
      ds.snapshots.delete(from);
      ds.snapshots.set(to, t);
      const held = z.snapHeld.get(`${name}@${from}`);
      z.snapHeld.delete(`${name}@${from}`);
      if (held) z.snapHeld.set(`${name}@${to}`, held);
      for (const c of ns.clonesOf(`${name}@${from}`)) setOrigin(c, `${name}@${to}`);
      model.touch();
    },
    /** libzfs's deferred destroy of a cloned snapshot during a forced receive: renamed `recv-<pid>-<n>`. */
    nextRecvName(): string {
      z.seq += 1;
      return `recv-${4000 + (model.seed % 1000)}-${z.seq}`;
    },
  };

  /** A disk of a guest running on this node is open (QEMU holds the zvol, the container its mount). */
  function inUse(ds: Dataset): boolean {
    if (!ds.volid) return false;
    return [...model.guests.values()].some((g) => g.node === node && g.status === "running" && g.disks.some((d) => d.volid === ds.volid));
  }

  function setOrigin(ds: Dataset, origin: string | undefined): void {
    const extra = z.extras.get(ds.name);
    if (extra) extra.origin = origin;
    else if (origin) z.volumeOrigins.set(ds.name, origin);
    else z.volumeOrigins.delete(ds.name);
  }

  return ns;
}

export type ZfsNamespace = ReturnType<typeof zfsNamespace>;
