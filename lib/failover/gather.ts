import { logger } from "@/lib/logger";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { getGuestConfig, type GuestConfig } from "@/lib/proxmox/guest-config";
import { getNodeReplicationStatus } from "@/lib/proxmox/replication";
import type { ReplicationJobStatus } from "@/lib/proxmox/schemas";
import type { PrismaClient } from "@/prisma/generated/client";
import { guestEntries, jobsOfGuest, readLiveCluster, type LiveCluster } from "./live-state";
import { readJobHealth } from "./job-health";
import { findGuestLock } from "./lock";
import { switchoverPreflight, type Preflight } from "./preflight";

export type GatherDeps = { db: PrismaClient; client: ProxmoxClient; now: () => number };

export type GuestFacts = { config: GuestConfig | null; states: ReplicationJobStatus[]; problems: string[] };

/** The guest's configuration and its jobs' states, read from its node; what cannot be read is said. */
export async function readGuestFacts(client: ProxmoxClient, live: LiveCluster, vmid: number): Promise<GuestFacts> {
  const guest = guestEntries(live, vmid)[0];
  const problems: string[] = [];
  if (!guest?.node) return { config: null, states: [], problems };
  const type = guest.type === "lxc" ? "lxc" : "qemu";
  const [config, states] = await Promise.all([
    getGuestConfig(client, guest.node, type, vmid).then((r) => r.data).catch((error: unknown) => {
      problems.push(`configuration of ${vmid} on ${guest.node}: ${String(error instanceof Error ? error.message : error)}`);
      return null;
    }),
    jobsOfGuest(live, vmid).length === 0
      ? Promise.resolve([])
      : getNodeReplicationStatus(client, guest.node, { guest: vmid }).then((r) => r.data).catch((error: unknown) => {
          problems.push(`replication state of ${vmid} on ${guest.node}: ${String(error instanceof Error ? error.message : error)}`);
          return [] as ReplicationJobStatus[];
        }),
  ]);
  if (problems.length) logger.warn({ vmid, problems }, "Failover preflight could not read everything");
  return { config, states, problems };
}

/** Reads everything the checklist needs (live Proxmox state, our RPO and lock) and runs it. */
export async function gatherSwitchoverPreflight(
  deps: GatherDeps,
  clusterId: string,
  vmid: number,
  target: string,
  options: { live?: LiveCluster; ownOperationId?: string } = {},
): Promise<Preflight & { live: LiveCluster }> {
  const live = options.live ?? (await readLiveCluster(deps.client, deps.now));
  const facts = await readGuestFacts(deps.client, live, vmid);
  const job = jobsOfGuest(live, vmid).find((j) => j.target === target);
  const jobHealth = job ? await readJobHealth(deps.db, clusterId, job.id, new Date(deps.now())) : null;
  const lock = await findGuestLock(deps.db, clusterId, vmid);
  const preflight = switchoverPreflight({
    live,
    vmid,
    target,
    config: facts.config,
    jobHealth,
    lock,
    ownOperationId: options.ownOperationId,
    jobStates: facts.states,
  });
  return { ...preflight, live };
}
