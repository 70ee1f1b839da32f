import type { ClusterModel } from "./cluster";
import type { Guest, SimNode } from "./model-types";
import { keyedRandom } from "./prng";

/**
 * Live figures (cpu, memory, I/O counters) of nodes and guests. They are derived from the
 * seed and the current minute rather than stored, so they move over time yet stay
 * deterministic and cost nothing while the clock jumps.
 */
const GIB = 1024 ** 3;

export function guestStats(model: ClusterModel, guest: Guest, now: number) {
  const running = guest.status === "running";
  const minute = Math.floor(now / 60);
  const r = keyedRandom(model.seed, "guest", guest.vmid, minute);
  const uptime = running ? Math.max(0, Math.floor(now - guest.startedAt)) : 0;
  const maxdisk = guest.disks.reduce((s, d) => s + d.size, 0);
  const written = Math.floor(guest.changeRate * uptime);
  return {
    uptime,
    cpu: running ? Math.round((0.02 + r * 0.25) * 1e4) / 1e4 : 0,
    maxcpu: guest.cpus,
    mem: running ? Math.floor(guest.maxmem * (0.35 + r * 0.4)) : 0,
    maxmem: guest.maxmem,
    disk: guest.type === "lxc" ? Math.floor(maxdisk * 0.45) : 0,
    maxdisk,
    netin: running ? Math.floor(uptime * 9_000 * (1 + r)) : 0,
    netout: running ? Math.floor(uptime * 4_000 * (1 + r)) : 0,
    diskread: running ? Math.floor(written * 1.7) : 0,
    diskwrite: running ? written : 0,
  };
}

export function nodeStats(model: ClusterModel, node: SimNode, now: number) {
  const minute = Math.floor(now / 60);
  const r = keyedRandom(model.seed, "node", node.name, minute);
  const guests = model.guestsOn(node.name).filter((g) => g.status === "running");
  const guestMem = guests.reduce((s, g) => s + g.maxmem * 0.6, 0);
  const mem = Math.min(node.memory - GIB, Math.floor(3 * GIB + guestMem));
  return {
    cpu: Math.round((0.03 + r * 0.12 + guests.length * 0.01) * 1e4) / 1e4,
    maxcpu: node.cpus,
    mem,
    maxmem: node.memory,
    uptime: Math.max(0, Math.floor(now - node.bootTime)),
    disk: Math.floor(12 * GIB + r * GIB),
    maxdisk: 98 * GIB,
    loadavg: [r * 2, r * 1.7, r * 1.5].map((v) => v.toFixed(2)),
  };
}
