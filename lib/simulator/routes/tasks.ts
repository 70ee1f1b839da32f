import { hasPrivilege } from "../auth";
import { paramError, permissionDenied } from "../errors";
import type { Task } from "../model-types";
import type { RouteContext, RouteTable } from "../route-types";
import { optNum, optStr, str, WithTotal } from "../route-types";
import { parseUpid, splitUser, taskListEntry } from "../tasks";

// Task lists, status and logs: pve-manager PVE/API2/Tasks.pm and PVE/API2/Cluster.pm (tasks).

export const taskRoutes: RouteTable = {
  "GET /nodes/{node}/tasks": (ctx) => listNodeTasks(ctx),

  "GET /cluster/tasks": ({ core, auth, now }) =>
    core.model
      .allTasks()
      .filter((t) => canSee(auth, t))
      .sort((a, b) => b.starttime - a.starttime)
      .slice(0, 50)
      .map((t) => taskListEntry(t, now)),

  "GET /nodes/{node}/tasks/{upid}": () => [{ name: "log" }, { name: "status" }],

  "GET /nodes/{node}/tasks/{upid}/status": (ctx) => {
    const task = requireTask(ctx);
    const [user, tokenid] = splitUser(task.user);
    const running = task.endtime > ctx.now;
    const out: Record<string, unknown> = {
      upid: task.upid, node: task.node, pid: task.pid, pstart: task.pstart, starttime: task.starttime, type: task.type, id: task.id, user,
      status: running ? "running" : "stopped",
    };
    if (tokenid) out.tokenid = tokenid;
    if (!running) out.exitstatus = task.exitstatus;
    return out;
  },

  "GET /nodes/{node}/tasks/{upid}/log": (ctx) => {
    const task = requireTask(ctx);
    const lines = task.log.filter((l) => l.t <= ctx.now).map((l) => l.msg);
    const start = optNum(ctx.params, "start") ?? 0;
    const limit = optNum(ctx.params, "limit") ?? 50;
    const slice = lines.slice(start, limit === 0 ? undefined : start + limit);
    return new WithTotal(slice.map((t, i) => ({ n: start + i + 1, t })), lines.length);
  },
};

function listNodeTasks({ core, auth, params, now }: RouteContext) {
  const node = str(params, "node");
  const source = optStr(params, "source") ?? "archive";
  const vmid = optNum(params, "vmid");
  const typefilter = optStr(params, "typefilter");
  const userfilter = optStr(params, "userfilter");
  const since = optNum(params, "since");
  const until = optNum(params, "until");
  const statuses = optStr(params, "statusfilter")?.split(/[,;\s]+/).filter(Boolean);
  const start = optNum(params, "start") ?? 0;
  const limit = optNum(params, "limit") ?? 50;
  const filtered = core.model
    .tasksOn(node)
    .filter((t) => canSee(auth, t))
    .filter((t) => {
      const running = t.endtime > now;
      if (source === "archive" && running) return false;
      if (source === "active" && !running) return false;
      if (vmid !== undefined && t.id !== String(vmid)) return false;
      if (typefilter && !t.type.includes(typefilter)) return false;
      if (userfilter && !t.user.includes(userfilter)) return false;
      if (since !== undefined && t.starttime < since) return false;
      if (until !== undefined && t.starttime > until) return false;
      if (params.errors === 1 && (running || t.exitstatus === "OK")) return false;
      if (statuses && !running && !statuses.includes(statusType(t.exitstatus))) return false;
      return true;
    })
    .sort((a, b) => b.starttime - a.starttime);
  return new WithTotal(filtered.slice(start, start + limit).map((t) => taskListEntry(t, now)), filtered.length);
}

function statusType(exitstatus: string): string {
  if (exitstatus === "OK") return "ok";
  if (exitstatus.startsWith("WARNINGS")) return "warning";
  return exitstatus === "unexpected status" ? "unknown" : "error";
}

// Owners see their own tasks; everyone else needs Sys.Audit on the node (Tasks.pm).
function canSee(auth: RouteContext["auth"], task: Task): boolean {
  const owner = auth.tokenid ?? auth.userid;
  return task.user === owner || hasPrivilege(auth, `/nodes/${task.node}`, "Sys.Audit");
}

function requireTask({ core, auth, params }: RouteContext): Task {
  const upid = str(params, "upid");
  const parsed = parseUpid(upid);
  if (!parsed) paramError({ upid: "unable to parse worker upid" });
  const task = core.model.tasksOn(parsed.node).find((t) => t.upid === upid);
  if (!task) paramError({ upid: "no such task" });
  if (!canSee(auth, task)) permissionDenied(`/nodes/${task.node}, Sys.Audit`);
  return task;
}
