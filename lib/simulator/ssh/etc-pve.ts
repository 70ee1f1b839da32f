import { guestConfig } from "../routes/guests";
import type { ClusterModel } from "../cluster";
import type { Guest, GuestType } from "../model-types";
import type { Command, CommandOutput } from "./shell";
import { fail, ok } from "./shell";

// `/etc/pve` as pmxcfs shows it on a node: `nodes/<node>/{qemu-server,lxc}/<vmid>.conf`, with
// `local`, `qemu-server` and `lxc` as symlinks into the node's own folder (pve-cluster
// src/pmxcfs/cfs-plug-link.c). Without quorum pmxcfs is read-only: every write answers EACCES.
// ls/cat/mv print coreutils' texts (`cannot access`, `cannot stat`, `cannot move`).

type Entry =
  | { kind: "dir"; entries: string[] }
  | { kind: "conf"; guest: Guest; node: string; type: GuestType }
  | { kind: "missing"; parentExists: boolean; node?: string; type?: GuestType; vmid?: number };

const NODE_DIR = ["lrm_status", "lxc", "openvz", "priv", "pve-ssl.key", "pve-ssl.pem", "qemu-server", "ssh_known_hosts"];
const ROOT_DIR = ["authkey.pub", "corosync.conf", "datacenter.cfg", "ha", "local", "lxc", "nodes", "priv", "pve-root-ca.pem", "qemu-server", "replication.cfg", "storage.cfg", "user.cfg"];

/** Absolute, `.`/`..` resolved, the node-local symlinks followed (root's cwd is /root). */
export function canonicalPath(path: string, local: string): string {
  const abs = path.startsWith("/") ? path : `/root/${path}`;
  const parts: string[] = [];
  for (const part of abs.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  if (parts[0] === "etc" && parts[1] === "pve") {
    if (parts[2] === "local") parts.splice(2, 1, "nodes", local);
    else if (parts[2] === "qemu-server" || parts[2] === "lxc") parts.splice(2, 0, "nodes", local);
  }
  return `/${parts.join("/")}`;
}

function lookup(model: ClusterModel, path: string): Entry {
  const p = path.split("/").slice(1);
  const missing = (parentExists: boolean): Entry => ({ kind: "missing", parentExists });
  if (path === "/etc/pve") return { kind: "dir", entries: ROOT_DIR };
  if (path === "/etc/pve/nodes") return { kind: "dir", entries: model.nodes.map((n) => n.name) };
  if (p[0] !== "etc" || p[1] !== "pve" || p[2] !== "nodes") return missing(path === "/" || path === "/etc" || path === "/root");
  const node = p[3] ? model.node(p[3]) : undefined;
  if (!node) return missing(p.length === 4);
  if (p.length === 4) return { kind: "dir", entries: NODE_DIR };
  const dir = p[4];
  const type: GuestType | undefined = dir === "qemu-server" ? "qemu" : dir === "lxc" ? "lxc" : undefined;
  if (!type) return missing(p.length === 5);
  const guests = model.guestsOn(node.name).filter((g) => g.type === type);
  if (p.length === 5) return { kind: "dir", entries: guests.map((g) => `${g.vmid}.conf`) };
  const m = p.length === 6 ? /^(\d+)\.conf$/.exec(p[5] as string) : null;
  const guest = m ? guests.find((g) => g.vmid === Number(m[1])) : undefined;
  if (guest) return { kind: "conf", guest, node: node.name, type };
  return { kind: "missing", parentExists: p.length === 6, node: node.name, type, vmid: m ? Number(m[1]) : undefined };
}

/** The file as pmxcfs holds it: `key: value` lines in key order (PVE::QemuConfig write_config). */
export function configText(model: ClusterModel, guest: Guest): string {
  const config = guestConfig(model, guest);
  return Object.keys(config)
    .filter((k) => k !== "digest")
    .sort()
    .map((k) => `${k}: ${String(config[k])}\n`)
    .join("");
}

function splitFlags(args: string[]): { flags: string; operands: string[] } {
  const operands: string[] = [];
  let flags = "";
  let done = false;
  for (const a of args) {
    if (!done && a === "--") done = true;
    else if (!done && a.startsWith("-") && a.length > 1) flags += a.slice(1);
    else operands.push(a);
  }
  return { flags, operands };
}

const ls: Command = (ctx, args) => {
  const { model } = ctx.sim;
  const { flags, operands } = splitFlags(args);
  const bad = [...flags].find((f) => !"1aAdl".includes(f));
  if (bad) return fail(`ls: invalid option -- '${bad}'\nTry 'ls --help' for more information.`, 2);
  const long = flags.includes("l");
  const line = (name: string, isDir: boolean, size: number) =>
    long ? `${isDir ? "drwxr-xr-x 2" : "-rw-r----- 1"} root www-data ${String(size).padStart(4)} ${stamp(ctx.sim.now())} ${name}` : name;
  const targets = operands.length ? operands : ["/root"];
  let stdout = "";
  let stderr = "";
  let code = 0;
  const dirs: [string, string[]][] = [];
  for (const target of targets) {
    const entry = lookup(model, canonicalPath(target, ctx.node));
    if (entry.kind === "missing") {
      if (target === "/root" || canonicalPath(target, ctx.node) === "/root") dirs.push([target, []]);
      else {
        stderr += `ls: cannot access '${target}': No such file or directory\n`;
        code = 2;
      }
    } else if (entry.kind === "conf") stdout += `${line(target, false, configText(model, entry.guest).length)}\n`;
    else if (flags.includes("d")) stdout += `${line(target, true, 0)}\n`;
    else {
      const names = entry.entries.map((name) => {
        const child = lookup(model, canonicalPath(`${target}/${name}`, ctx.node));
        return line(name, child.kind === "dir", child.kind === "conf" ? configText(model, child.guest).length : 0);
      });
      dirs.push([target, names]);
    }
  }
  const many = targets.length > 1;
  dirs.forEach(([name, entries], i) => {
    if (many) stdout += `${stdout || i > 0 ? "\n" : ""}${name}:\n`;
    if (long) stdout += `total ${entries.length}\n`;
    stdout += entries.map((e) => `${e}\n`).join("");
  });
  return { code, stdout, stderr };
};

const cat: Command = (ctx, args) => {
  const { operands } = splitFlags(args);
  let stdout = "";
  let stderr = "";
  let code = 0;
  for (const target of operands) {
    const entry = lookup(ctx.sim.model, canonicalPath(target, ctx.node));
    if (entry.kind === "conf") stdout += configText(ctx.sim.model, entry.guest);
    else {
      stderr += `cat: ${target}: ${entry.kind === "dir" ? "Is a directory" : "No such file or directory"}\n`;
      code = 1;
    }
  }
  return { code, stdout, stderr };
};

/**
 * `mv` of a guest configuration between nodes' folders is how Proxmox's manual recovers a guest
 * from a dead node (pvesr.adoc, pmxcfs.adoc): pmxcfs renames the file cluster-wide, the guest
 * belongs to the new node (not running there), and pvesr on that node turns its jobs around
 * (`switch_replication_job_target`, pvesr.ts adoptStolenGuests) at its next pass.
 */
const mv: Command = (ctx, args) => {
  const { model } = ctx.sim;
  const { operands } = splitFlags(args);
  if (operands.length < 2) return fail(operands.length === 0 ? "mv: missing file operand\nTry 'mv --help' for more information." : `mv: missing destination file operand after '${operands[0]}'\nTry 'mv --help' for more information.`);
  if (operands.length > 2) return fail(`mv: target '${operands[operands.length - 1]}' is not a directory`);
  const [srcArg, dstArg] = operands as [string, string];
  const src = lookup(model, canonicalPath(srcArg, ctx.node));
  if (src.kind === "missing") return fail(`mv: cannot stat '${srcArg}': No such file or directory`);
  let dstPath = canonicalPath(dstArg, ctx.node);
  let dst = lookup(model, dstPath);
  let shownDst = dstArg;
  if (dst.kind === "dir" && src.kind === "conf") {
    dstPath = `${dstPath}/${src.guest.vmid}.conf`;
    shownDst = `${dstArg.replace(/\/+$/, "")}/${src.guest.vmid}.conf`;
    dst = lookup(model, dstPath);
  }
  const refuse = (why: string): CommandOutput => fail(`mv: cannot move '${srcArg}' to '${shownDst}': ${why}`);
  if (dst.kind === "conf" && src.kind === "conf" && dst.guest === src.guest) return fail(`mv: '${srcArg}' and '${shownDst}' are the same file`);
  const inPve = (p: string) => p === "/etc/pve" || p.startsWith("/etc/pve/");
  // pmxcfs without quorum: every write to /etc/pve answers EACCES.
  if ((inPve(canonicalPath(srcArg, ctx.node)) || inPve(dstPath)) && !model.isQuorate()) return refuse("Permission denied");
  if (src.kind !== "conf") return refuse("Permission denied");
  if (dst.kind === "missing" && !dst.parentExists) return refuse("No such file or directory");
  // Only the re-homing rename of the same file name between nodes' folders of the same kind is simulated.
  if (dst.kind !== "missing" || dst.type !== src.type || dst.vmid !== src.guest.vmid || !dst.node) return refuse("Permission denied");
  rehomeGuest(model, src.guest, dst.node);
  return ok("");
};

/** The config now lives on `node`: the guest is not running there (its old node is dead). */
function rehomeGuest(model: ClusterModel, guest: Guest, node: string): void {
  const oldNode = model.node(guest.node);
  guest.node = node;
  // A guest whose old node is still up keeps its process there; the model holds one status per guest.
  if (!oldNode?.online) guest.status = "stopped";
  model.touch();
}

function stamp(now: number): string {
  const d = new Date(now * 1000);
  const mon = d.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return `${mon} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

export const etcPveCommands: Record<string, Command> = { ls, cat, mv };
