// Resident set of a process and its children, from /proc (Linux); null where /proc is missing.
import fs from "node:fs";

function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kib ? Number(kib) * 1024 : 0;
}

/** RSS of `pid` plus every descendant (`next start` may run the server in a child). */
export function processTreeRss(pid: number): number | null {
  if (!fs.existsSync(`/proc/${pid}/status`)) return null;
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the 4th field, after the command name in parentheses (which may hold spaces).
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we listed it
    }
  }
  let total = 0;
  const queue = [pid];
  while (queue.length) {
    const next = queue.shift()!;
    try {
      total += rssBytes(next);
    } catch {
      continue;
    }
    queue.push(...(children.get(next) ?? []));
  }
  return total;
}
