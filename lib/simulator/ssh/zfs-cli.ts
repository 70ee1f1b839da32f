import { zfsSize } from "../change-rate";
import type { Dataset, ZfsNamespace } from "../zfs-datasets";
import { ZfsError, zfsNamespace } from "../zfs-datasets";
import { makeStream, receive } from "../zfs-receive";
import type { SendStream } from "../zfs-receive";
import type { Command, CommandOutput } from "./shell";
import { fail, ok } from "./shell";

// `zfs` (OpenZFS 2.3, cmd/zfs/zfs_main.c) over the node's namespace (zfs-datasets.ts): list, get,
// snapshot, destroy, clone, promote, rename, create, rollback, send, recv. Errors print zfs's texts
// and exit 1; a usage error exits 2.

type Opts = { flags: Set<string>; values: Map<string, string>; operands: string[] };

/** getopt for one zfs subcommand: `withValue` are the letters that take an argument. */
function getopt(args: string[], withValue: string): Opts | string {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j] as string;
      if (withValue.includes(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) return `missing argument for '${c}' option`;
        values.set(c, values.has(c) ? `${values.get(c)},${v}` : v);
        break;
      }
      flags.add(c);
    }
  }
  return { flags, values, operands };
}

const usage = (text: string) => fail(`${text}\nusage:\n\tzfs <command> <args>`, 2);

type Row = { ds: Dataset; snap?: { name: string; time: number } };

function propValue(ns: ZfsNamespace, row: Row, prop: string, parsable: boolean, avail: number): string {
  const { ds, snap } = row;
  const size = (n: number) => (parsable ? String(Math.round(n)) : zfsSize(n));
  const full = snap ? `${ds.name}@${snap.name}` : ds.name;
  const heldSince = (t: number) => (ds.held && t <= ds.held.since ? ds.held.bytes : 0);
  switch (prop) {
    case "name": return full;
    case "type": return snap ? "snapshot" : ds.type;
    case "used": return snap ? size(0) : size(ds.used);
    case "avail": case "available": return snap ? "-" : size(avail);
    case "refer": case "referenced": return size(ds.type === "filesystem" && !ds.volid && ds.used < 200_000 ? 98_304 : ds.used);
    case "mountpoint": return snap || ds.type === "volume" ? "-" : ds.name === "rpool/ROOT/pve-1" ? "/" : `/${ds.name}`;
    case "origin": return snap ? "-" : ds.origin ?? "-";
    case "volsize": return ds.volsize !== undefined ? size(ds.volsize) : "-";
    case "creation": {
      const t = snap ? snap.time : ds.creation;
      if (parsable) return String(t);
      const d = new Date(t * 1000);
      return `${d.toUTCString().slice(0, 3)} ${d.toLocaleString("en-US", { month: "short", timeZone: "UTC" })} ${String(d.getUTCDate()).padStart(2)} ${d.getUTCHours()}:${String(d.getUTCMinutes()).padStart(2, "0")} ${d.getUTCFullYear()}`;
    }
    case "clones": return snap ? ns.clonesOf(full).map((c) => c.name).join(",") : "-";
    case "written": return snap ? size(0) : size(ds.held?.bytes ?? 0);
    default: {
      const m = /^written@(.+)$/.exec(prop);
      if (m && !snap) {
        const t = ds.snapshots.get(m[1] as string);
        return t === undefined ? "-" : size(heldSince(t));
      }
      return "-";
    }
  }
}

const NUMERIC = new Set(["used", "avail", "available", "refer", "referenced", "volsize", "written"]);

function table(header: string[], rows: string[][], scripted: boolean, numeric: (i: number) => boolean): string {
  if (scripted) return rows.map((r) => `${r.join("\t")}\n`).join("");
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) => `${r.map((c, i) => (i === r.length - 1 && !numeric(i) ? c : numeric(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("  ")}\n`).join("");
}

function selectRows(ns: ZfsNamespace, operands: string[], types: Set<string>, recursive: boolean, depth: number | undefined): Row[] | string {
  const all = ns.list();
  const want = (d: Dataset, roots: string[]) => roots.length === 0 || roots.some((r) => d.name === r || ((recursive || depth !== undefined) && d.name.startsWith(`${r}/`) && (depth === undefined || d.name.slice(r.length).split("/").length - 1 <= depth)));
  const roots: string[] = [];
  const snapOperands: Row[] = [];
  for (const op of operands) {
    const [name, snap] = op.split("@") as [string, string | undefined];
    const ds = all.find((d) => d.name === name);
    const time = snap !== undefined ? ds?.snapshots.get(snap) : undefined;
    if (!ds || (snap !== undefined && time === undefined)) return `cannot open '${op}': dataset does not exist`;
    if (snap !== undefined) snapOperands.push({ ds, snap: { name: snap, time: time as number } });
    else roots.push(name);
  }
  if (snapOperands.length && !roots.length) return snapOperands;
  const rows: Row[] = [];
  for (const d of all.filter((x) => want(x, roots))) {
    if (types.has("filesystem") && d.type === "filesystem") rows.push({ ds: d });
    if (types.has("volume") && d.type === "volume") rows.push({ ds: d });
    // `zfs list -t snapshot <ds>` lists the snapshots of <ds> (OpenZFS >= 0.8).
    if (types.has("snapshot")) for (const [name, time] of [...d.snapshots.entries()].sort((a, b) => a[1] - b[1])) rows.push({ ds: d, snap: { name, time } });
  }
  return [...snapOperands, ...rows];
}

function parseTypes(text: string | undefined): Set<string> {
  if (!text) return new Set(["filesystem", "volume"]);
  const out = new Set<string>();
  for (const t of text.split(",")) {
    if (t === "all") ["filesystem", "volume", "snapshot"].forEach((x) => out.add(x));
    else if (t === "snap") out.add("snapshot");
    else if (t === "fs") out.add("filesystem");
    else out.add(t);
  }
  return out;
}

function zfsList(ns: ZfsNamespace, avail: number, args: string[]): CommandOutput {
  const o = getopt(args, "odtsS");
  if (typeof o === "string") return usage(o);
  const cols = (o.values.get("o") ?? "name,used,avail,refer,mountpoint").split(",");
  const depth = o.values.has("d") ? Number(o.values.get("d")) : undefined;
  const rows = selectRows(ns, o.operands, parseTypes(o.values.get("t")), o.flags.has("r"), depth);
  if (typeof rows === "string") return fail(rows);
  if (rows.length === 0 && !o.flags.has("H")) return ok(o.operands.length ? "" : "no datasets available\n");
  const cells = rows.map((r) => cols.map((c) => propValue(ns, r, c, o.flags.has("p"), avail)));
  return ok(table(cols.map((c) => c.toUpperCase()), cells, o.flags.has("H"), (i) => NUMERIC.has(cols[i] ?? "")));
}

function zfsGet(ns: ZfsNamespace, avail: number, args: string[]): CommandOutput {
  const o = getopt(args, "otsd");
  if (typeof o === "string") return usage(o);
  const [propText, ...targets] = o.operands;
  if (!propText) return usage("missing property argument");
  const fields = (o.values.get("o") ?? "name,property,value,source").split(",");
  const rows = selectRows(ns, targets, new Set(["filesystem", "volume"]), o.flags.has("r"), undefined);
  if (typeof rows === "string") return fail(rows);
  const cells: string[][] = [];
  for (const r of rows) {
    for (const prop of propText.split(",")) {
      const value = propValue(ns, r, prop, o.flags.has("p"), avail);
      const name = r.snap ? `${r.ds.name}@${r.snap.name}` : r.ds.name;
      cells.push(fields.map((f) => (f === "name" ? name : f === "property" ? prop : f === "value" ? value : "-")));
    }
  }
  return ok(table(fields.map((f) => f.toUpperCase()), cells, o.flags.has("H"), () => false));
}

export const zfs: Command = (ctx, args) => {
  const ns = zfsNamespace(ctx.sim.model, ctx.node);
  const now = ctx.sim.now();
  const avail = ctx.sim.model.storageUsage(ctx.node, "local-zfs").avail;
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case "list": return zfsList(ns, avail, rest);
      case "get": return zfsGet(ns, avail, rest);
      case "snapshot": case "snap": {
        const o = getopt(rest, "o");
        if (typeof o === "string" || !o.operands.length) return usage("missing snapshot argument");
        for (const full of o.operands) {
          const [name, snap] = full.split("@") as [string, string | undefined];
          if (!snap) return fail(`cannot create snapshot '${full}': empty component or misplaced '@' or '#' delimiter in name`);
          if (!ns.get(name)) return fail(`cannot create snapshot '${full}': dataset does not exist`);
          ns.snapshot(name, snap, now);
        }
        return ok("");
      }
      case "destroy": {
        const o = getopt(rest, "");
        if (typeof o === "string" || o.operands.length !== 1) return usage("missing dataset argument");
        if (o.flags.has("R")) return fail("zfs destroy -R: destroying clones with their origin is not simulated");
        const target = o.operands[0] as string;
        const [name, snap] = target.split("@") as [string, string | undefined];
        if (snap !== undefined) {
          if (!ns.get(name)) return fail(`cannot open '${name}': dataset does not exist`);
          ns.destroySnapshot(name, snap);
        } else ns.destroy(name, o.flags.has("r"));
        return ok("");
      }
      case "create": {
        const o = getopt(rest, "oVb");
        if (typeof o === "string" || o.operands.length !== 1) return usage("missing filesystem argument");
        const volsize = o.values.get("V");
        ns.create(o.operands[0] as string, volsize ? "volume" : "filesystem", now, volsize ? parseSize(volsize) : undefined, o.flags.has("p"));
        return ok("");
      }
      case "clone": {
        const o = getopt(rest, "o");
        if (typeof o === "string" || o.operands.length !== 2) return usage("missing source dataset argument");
        ns.clone(o.operands[0] as string, o.operands[1] as string, now, o.flags.has("p"));
        return ok("");
      }
      case "promote": {
        if (rest.length !== 1) return usage("missing clone filesystem argument");
        ns.promote(rest[0] as string);
        return ok("");
      }
      case "rename": {
        const o = getopt(rest, "");
        if (typeof o === "string" || o.operands.length !== 2) return usage("missing target dataset argument");
        const [from, to] = o.operands as [string, string];
        if (from.includes("@")) {
          const [name, snap] = from.split("@") as [string, string];
          const toSnap = to.startsWith("@") ? to.slice(1) : to.split("@")[1];
          if (!toSnap || (to.includes("@") && !to.startsWith("@") && to.split("@")[0] !== name)) return fail(`cannot rename to '${to}': snapshots must be part of same dataset`);
          ns.renameSnapshot(name, snap, toSnap);
        } else ns.rename(from, to, now, o.flags.has("p"));
        return ok("");
      }
      case "rollback": return rollback(ns, rest);
      case "send": {
        const o = getopt(rest, "iI");
        if (typeof o === "string" || o.operands.length !== 1) return usage("missing snapshot argument");
        const base = o.values.get("I") ?? o.values.get("i");
        const stream = makeStream(ns, o.operands[0] as string, { replicate: o.flags.has("R"), base, intermediates: o.values.has("I") });
        const estimate = stream.base ? Math.max(65_536, stream.held?.bytes ?? 65_536) : stream.used;
        const verbose = o.flags.has("v") ? `${stream.base ? `send from @${stream.base.name} to ${stream.dataset}@${stream.snap}` : `full send of ${stream.dataset}@${stream.snap}`} estimated size is ${zfsSize(estimate)}\ntotal estimated size is ${zfsSize(estimate)}\n` : "";
        return { code: 0, stdout: "", stderr: verbose, stream };
      }
      case "recv": case "receive": {
        const o = getopt(rest, "oxd");
        if (typeof o === "string" || o.operands.length !== 1) return usage("missing snapshot argument");
        const stream = ctx.stdin;
        if (!isStream(stream)) return fail("cannot receive: failed to read from stream");
        receive(ns, o.operands[0] as string, stream, o.flags.has("F"), now);
        return ok("");
      }
      case undefined: return usage("missing command");
      default: return usage(`unrecognized command '${sub}'`);
    }
  } catch (err) {
    if (err instanceof ZfsError) return fail(err.message);
    throw err;
  }
};

function rollback(ns: ZfsNamespace, args: string[]): CommandOutput {
  const o = getopt(args, "");
  if (typeof o === "string" || o.operands.length !== 1) return usage("missing dataset argument");
  const target = o.operands[0] as string;
  const [name, snap] = target.split("@") as [string, string | undefined];
  const ds = ns.get(name);
  const t = snap !== undefined ? ds?.snapshots.get(snap) : undefined;
  if (!ds || t === undefined) return fail(`cannot open '${target}': dataset does not exist`);
  const later = [...ds.snapshots.entries()].filter(([, x]) => x > t).map(([s]) => `${name}@${s}`);
  if (later.length && !o.flags.has("r") && !o.flags.has("R")) {
    return fail(`cannot rollback to '${target}': more recent snapshots or bookmarks exist\nuse '-r' to force deletion of the following snapshots and bookmarks:\n${later.join("\n")}`);
  }
  const clones = later.flatMap((s) => ns.clonesOf(s).map((c) => c.name));
  if (clones.length) return fail(`cannot rollback to '${target}': clones of previous snapshots exist\nuse '-R' to force deletion of the following clones and dependents:\n${clones.join("\n")}`);
  for (const s of later) ns.destroySnapshot(name, s.split("@")[1] as string);
  ns.setLiveData(name, ns.snapshotHeld(target), ds.used);
  return ok("");
}

function isStream(value: unknown): value is SendStream {
  return typeof value === "object" && value !== null && "snapshots" in value && "dataset" in value;
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]?)B?$/i.exec(text);
  if (!m) throw new ZfsError(`bad volume size '${text}'`);
  return Math.round(Number(m[1]) * 1024 ** "BKMGTP".indexOf((m[2] || "B").toUpperCase()));
}
