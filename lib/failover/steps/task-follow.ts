import type { ProxmoxClient } from "@/lib/proxmox/client";
import { getTaskLog, getTaskStatus, listNodeTasks } from "@/lib/proxmox/tasks";

// Following a Proxmox task: its status and log, read on every pass so the page shows it live.

const LOG_LIMIT = 2000;

export type FollowedTask = {
  upid: string;
  running: boolean;
  /** OK, WARNINGS: n, an error text or `unexpected status`; undefined while running. */
  exitstatus?: string;
  log: string[];
};

export async function followTask(client: ProxmoxClient, upid: string): Promise<FollowedTask> {
  const [status, log] = await Promise.all([getTaskStatus(client, upid), getTaskLog(client, upid, { start: 0, limit: LOG_LIMIT })]);
  const running = status.data.status === "running";
  return { upid, running, exitstatus: running ? undefined : status.data.exitstatus, log: log.data.map((l) => l.t) };
}

export function taskSucceeded(task: FollowedTask): boolean {
  return task.exitstatus === "OK" || /^WARNINGS: \d+$/.test(task.exitstatus ?? "");
}

/**
 * Proxmox's own words for a failed task: its exit status, the `ERROR:` line of its log (long
 * commands shortened) and, when the log names it, the underlying cause ("out of space").
 */
export function taskError(task: FollowedTask): string {
  const strip = (l: string) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, "").trim();
  const error = [...task.log].reverse().find((l) => /ERROR: /.test(l) && !l.startsWith("TASK ERROR"));
  const cause = task.log.find((l) => /cannot |out of space|no space left|permission denied|timed out|connection refused/i.test(l) && !/ERROR: /.test(l));
  const parts = [task.exitstatus ?? "unknown"];
  if (cause) parts.push(strip(cause));
  if (error) parts.push(strip(error).replace(/command '[^']{80,}' failed/g, "command failed"));
  return parts.join(" — ");
}

/** A readable progress hint from the newest log line that has one ("transferred 1.2 GiB of 8.0 GiB"). */
export function taskProgress(log: readonly string[]): string | null {
  for (let i = log.length - 1; i >= 0; i--) {
    const line = log[i] as string;
    const pct = /\((\d+(?:\.\d+)?)%\)/.exec(line);
    if (pct) return `${pct[1]}% (${line.replace(/^\S+ \S+ /, "").trim()})`;
    if (/transferred .* of .*VM-state/.test(line)) return line.replace(/^\S+ \S+ /, "").trim();
  }
  return null;
}

/**
 * The newest migration task of a guest on a node started at or after `since` (cluster clock):
 * what an action sent before a restart left behind, or the LRM's task behind an HA migration.
 */
export async function findMigrationTask(client: ProxmoxClient, node: string, vmid: number, type: "qemu" | "lxc", since: number): Promise<string | undefined> {
  const tasks = await listNodeTasks(client, node, { vmid, typefilter: type === "qemu" ? "qmigrate" : "vzmigrate", source: "all", limit: 20 });
  return tasks.data.filter((t) => t.starttime >= since).sort((a, b) => b.starttime - a.starttime)[0]?.upid;
}
