import type { ClusterModel } from "./cluster";
import type { Dataset, Divergent, ZfsNamespace } from "./zfs-datasets";
import { ZfsError, zfsNamespace } from "./zfs-datasets";

// `zfs send` streams and `zfs recv` into a node's namespace, with the rules that decide what a
// returning node keeps (zfs-receive.8 `-F`; libzfs_sendrecv.c recv_incremental_replication and
// recv_destroy; dmu_recv.c recv_begin_check_existing_impl and dmu_recv_end_check):
// - an incremental stream needs its base snapshot (same GUID) on the destination;
// - without -F the destination's newest snapshot must be the base and unmodified since;
// - with -F and a replication stream (-R), libzfs first destroys the destination's snapshots that
//   the sending side does not have; one with dependent clones cannot go: its destroy is deferred
//   and libzfs renames it `recv-<pid>-<n>` (the clone survives);
// - the kernel then (with -F) destroys the snapshots after the base and rolls the live data back
//   to it (divergent writes are lost); a snapshot after the base that has clones stops the whole
//   receive with EEXIST: `cannot restore to <ds>@<snap>: destination already exists`.
// pvesr uses exactly this pair: `zfs send -RpvU [-I base] ds@snap | zfs recv -F -x encryption -- ds`
// (pve-storage ZFSPoolPlugin.pm volume_export/volume_import).

export type SendStream = {
  sourceNode: string;
  dataset: string;
  type: Dataset["type"];
  volsize?: number;
  used: number;
  snap: string;
  snapTime: number;
  base?: { name: string; time: number };
  /** -R: a replication stream (the source's snapshots up to `snap` travel as its "sending side"). */
  replicate: boolean;
  /** -I (or -R full): the snapshots between base and snap travel too. */
  intermediates: boolean;
  /** The source's snapshots with creation <= snap's. */
  snapshots: [string, number][];
  /** Divergent writes contained in the sent snapshot. */
  held?: Divergent;
};

/** The stream `zfs send [-R] [-i|-I base] ds@snap` produces (throws as zfs send does). */
export function makeStream(ns: ZfsNamespace, snapshot: string, options: { replicate: boolean; base?: string; intermediates: boolean }): SendStream {
  const [name, snap] = snapshot.split("@") as [string, string | undefined];
  const ds = ns.require(name);
  const snapTime = snap === undefined ? undefined : ds.snapshots.get(snap);
  if (snap === undefined || snapTime === undefined) throw new ZfsError(`cannot open '${snapshot}': dataset does not exist`);
  let base: SendStream["base"];
  if (options.base !== undefined) {
    const baseName = options.base.includes("@") ? options.base.split("@")[1] ?? "" : options.base.replace(/^@/, "");
    const time = ds.snapshots.get(baseName);
    if (time === undefined) throw new ZfsError(`cannot send '${snapshot}': incremental source (${ds.name}@${baseName}) does not exist`);
    if (time >= snapTime) throw new ZfsError(`cannot send '${snapshot}': incremental source must be earlier than destination`);
    base = { name: baseName, time };
  }
  const snapshots = [...ds.snapshots.entries()].filter(([, t]) => t <= snapTime).sort((a, b) => a[1] - b[1]);
  return {
    sourceNode: ns.node, dataset: name, type: ds.type, volsize: ds.volsize, used: ds.used, snap, snapTime, base,
    replicate: options.replicate, intermediates: options.intermediates || (options.replicate && !base), snapshots, held: ns.snapshotHeld(snapshot),
  };
}

type Plan = { error?: string; prepass: { snap: string; action: "destroy" | "rename" }[] };

/** What `zfs recv [-F] target` would do with the stream; no change is made. */
export function planReceive(ns: ZfsNamespace, target: string, stream: SendStream, force: boolean): Plan {
  const ds = ns.get(target);
  const kind = stream.base ? "cannot receive incremental stream" : "cannot receive new filesystem stream";
  const fail = (error: string): Plan => ({ error, prepass: [] });
  if (!ds) {
    if (stream.base) return fail(`${kind}: destination '${target}' does not exist`);
    const parent = target.slice(0, target.lastIndexOf("/"));
    if (!target.includes("/")) return fail(`${kind}: destination '${target}' does not exist`);
    if (!ns.get(parent)) return fail(`cannot open '${parent}': dataset does not exist`);
    return { prepass: [] };
  }
  if (!stream.base) {
    if (!force) return fail(`${kind}: destination '${target}' exists\nmust specify -F to overwrite it`);
    const first = [...ds.snapshots.keys()][0];
    if (first !== undefined) return fail(`${kind}: destination has snapshots (eg. ${target}@${first})\nmust destroy them to overwrite it`);
    if (ds.origin) return fail(`${kind}: destination '${target}' is a clone\nmust destroy it to overwrite it`);
    return { prepass: [] };
  }
  const base = stream.base;
  const sent = new Set(stream.snapshots.map(([n, t]) => `${n}@${t}`));
  const prepass: Plan["prepass"] = [];
  const remaining = new Map(ds.snapshots);
  if (force && stream.replicate) {
    for (const [snap, t] of ds.snapshots) {
      if (sent.has(`${snap}@${t}`)) continue;
      prepass.push({ snap, action: ns.clonesOf(`${target}@${snap}`).length ? "rename" : "destroy" });
      if (!ns.clonesOf(`${target}@${snap}`).length) remaining.delete(snap);
    }
  }
  if (remaining.get(base.name) !== base.time) {
    return { error: `${kind}: most recent snapshot of ${target} does not\nmatch incremental source`, prepass };
  }
  const newer = [...remaining.entries()].filter(([, t]) => t > base.time).sort((a, b) => a[1] - b[1]);
  if (!force) {
    if (newer.length) return { error: `${kind}: most recent snapshot of ${target} does not\nmatch incremental source`, prepass };
    if (ds.held) return { error: `${kind}: destination ${target} has been modified\nsince most recent snapshot`, prepass };
  }
  const exists = newer.find(([snap]) => snap === stream.snap) ?? (force ? newer.find(([snap]) => ns.clonesOf(`${target}@${snap}`).length > 0) : undefined);
  if (exists) return { error: `cannot restore to ${target}@${stream.snap}: destination already exists`, prepass };
  return { prepass };
}

/** `zfs recv [-F] target` of the stream: applies the plan (the pre-pass even when the receive then fails). */
export function receive(ns: ZfsNamespace, target: string, stream: SendStream, force: boolean, at: number): void {
  const plan = planReceive(ns, target, stream, force);
  for (const step of plan.prepass) {
    if (step.action === "destroy") ns.destroySnapshot(target, step.snap);
    else ns.renameSnapshot(target, step.snap, ns.nextRecvName());
  }
  if (plan.error) throw new ZfsError(plan.error);
  const travelling = stream.snapshots.filter(([, t]) => (stream.intermediates ? t > (stream.base?.time ?? -1) : t === stream.snapTime));
  let ds = ns.get(target);
  if (!ds) {
    ns.require(target.slice(0, target.lastIndexOf("/")));
    ns.addExtra({ name: target, type: stream.type, used: stream.used, volsize: stream.volsize, creation: Math.floor(at), snapshots: new Map() });
    ds = ns.require(target);
  }
  if (stream.base) {
    const baseTime = stream.base.time;
    // The kernel part of -F: snapshots after the base go, the live data rolls back to it.
    for (const [snap, t] of [...ds.snapshots]) if (t > baseTime) ns.destroySnapshot(target, snap);
  }
  for (const [snap, t] of travelling) {
    ds.snapshots.set(snap, t);
    ns.setSnapshotHeld(`${target}@${snap}`, snap === stream.snap ? stream.held : undefined);
  }
  ns.setLiveData(target, stream.held, stream.used);
}

/** pvesr's receive on the target of a job, planned at the start of the run (no change made). */
export function replicationReceiveError(model: ClusterModel, target: string, dataset: string, stream: SendStream): string | undefined {
  return planReceive(zfsNamespace(model, target), dataset, stream, true).error;
}

/**
 * The stream pvesr sends for one volume of a job (`zfs send -RpvU -I <base> <ds>@<snap>`), the
 * new replication snapshot included although the run creates it only when it ends.
 */
export function replicationStream(model: ClusterModel, node: string, volid: string, base: string, snap: string, start: number): SendStream | undefined {
  const ns = zfsNamespace(model, node);
  const local = model.volume(node, volid);
  const pool = local ? model.storageConfig(local.storage)?.pool : undefined;
  const baseTime = local?.snapshots.get(base);
  if (!local || !pool || baseTime === undefined) return undefined;
  const dataset = `${pool}/${volid.split(":")[1]}`;
  const snapshots = [...local.snapshots.entries()].filter(([, t]) => t <= start);
  if (!local.snapshots.has(snap)) snapshots.push([snap, start]);
  return {
    sourceNode: ns.node, dataset, type: local.format === "subvol" ? "filesystem" : "volume", volsize: local.size, used: local.used, snap, snapTime: start,
    base: { name: base, time: baseTime }, replicate: true, intermediates: true, snapshots: snapshots.sort((a, b) => a[1] - b[1]),
  };
}

/** The error `pvesr finalize-local-job` logs when it cannot delete an old replication snapshot on the target. */
export function snapshotDeleteError(model: ClusterModel, node: string, dataset: string, snap: string): string | undefined {
  const clones = zfsNamespace(model, node).clonesOf(`${dataset}@${snap}`);
  if (!clones.length) return undefined;
  return `zfs error: cannot destroy '${dataset}@${snap}': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\n${clones.map((c) => c.name).join("\n")}`;
}
