import type { ClusterModel } from "./cluster";
import type { LogLine, Task } from "./model-types";
import { keyedRandom } from "./prng";

/**
 * Worker tasks and their UPIDs (pve-common src/PVE/UPID.pm):
 * `UPID:<node>:<pid 8 hex>:<pstart 8 hex>:<starttime 8 hex>:<type>:<id>:<user>:`.
 */
const UPID_RE =
  /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

const hex = (n: number, width = 8) => Math.floor(n).toString(16).toUpperCase().padStart(width, "0");

export type ParsedUpid = { node: string; pid: number; pstart: number; starttime: number; type: string; id: string; user: string };

export function parseUpid(upid: string): ParsedUpid | undefined {
  const m = UPID_RE.exec(upid);
  if (!m) return undefined;
  return {
    node: m[1] as string,
    pid: parseInt(m[3] as string, 16),
    pstart: parseInt(m[4] as string, 16),
    starttime: parseInt(m[5] as string, 16),
    type: m[6] as string,
    id: m[7] as string,
    user: m[8] as string,
  };
}

export type NewTask = {
  node: string;
  type: string;
  id: string;
  user: string;
  start: number;
  /** Seconds until the task ends. */
  duration: number;
  /** Messages with offsets (seconds from start); the `TASK ...` line is appended. */
  lines: { dt: number; msg: string }[];
  exitstatus?: string;
};

/** Creates a task with a deterministic pid and records it on its node. */
export function startTask(model: ClusterModel, spec: NewTask): Task {
  const node = model.requireNode(spec.node);
  const pid = 1000 + Math.floor(keyedRandom(model.seed, "task", spec.node, spec.start, spec.type, spec.id) * 4_000_000);
  // pstart is the process start in clock ticks since boot (USER_HZ 100).
  const pstart = Math.max(1, Math.floor((spec.start - node.bootTime) * 100));
  const upid = `UPID:${spec.node}:${hex(pid)}:${hex(pstart)}:${hex(spec.start)}:${spec.type}:${spec.id}:${spec.user}:`;
  const exitstatus = spec.exitstatus ?? "OK";
  const endtime = spec.start + spec.duration;
  const log: LogLine[] = spec.lines.map((l) => ({ t: spec.start + l.dt, msg: l.msg }));
  log.push({ t: endtime, msg: exitstatus === "OK" || exitstatus.startsWith("WARNINGS") ? `TASK ${exitstatus}` : `TASK ERROR: ${exitstatus}` });
  const task: Task = { upid, node: spec.node, pid, pstart, starttime: spec.start, type: spec.type, id: spec.id, user: spec.user, endtime, exitstatus, log };
  model.addTask(task);
  return task;
}

/** The list entry of /nodes/{node}/tasks and /cluster/tasks; running tasks have no endtime. */
export function taskListEntry(task: Task, now: number): Record<string, unknown> {
  const [user, tokenid] = splitUser(task.user);
  const out: Record<string, unknown> = {
    upid: task.upid, node: task.node, pid: task.pid, pstart: task.pstart, starttime: task.starttime, type: task.type, id: task.id, user,
  };
  if (tokenid) out.tokenid = tokenid;
  if (task.endtime <= now) {
    out.endtime = Math.floor(task.endtime);
    out.status = task.exitstatus;
  } else out.status = "RUNNING";
  return out;
}

/** Tasks started by a token carry `user@realm!token`; the task API splits it. */
export function splitUser(user: string): [string, string | undefined] {
  const i = user.indexOf("!");
  return i < 0 ? [user, undefined] : [user.slice(0, i), user.slice(i + 1)];
}
