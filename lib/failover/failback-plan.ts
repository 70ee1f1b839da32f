import { UserError } from "@/lib/auth/users";
import { getNodeReplicationStatus } from "@/lib/proxmox/replication";
import type { PrismaClient } from "@/prisma/generated/client";
import { diskCoverage, parseStoredDisks } from "./disk-list";
import { FAILBACK_OPERATION_KIND, pointsBackAt, type FailbackGuestPlan, type FailbackStepKind } from "./failback-types";
import type { GatherDeps } from "./gather";
import { haFailbackEffect } from "./ha-recovery";
import { haSidOf, parseHaPlacement, parseHaResources, placementOf } from "./ha-state";
import { guestEntries, jobsOfGuest, readLiveCluster, type LiveCluster } from "./live-state";
import type { Holder } from "./lock";
import { createOperation, type CreatedOperation, type StepSpec } from "./operations";
import { parseOutageReplicas } from "./outage";
import type { LeftAlone } from "./types";

// Planning a failback hold for the guests a dead node's outage moved elsewhere (HA or a manual
// recovery): one lane per guest that still has a turned-around job pointing at the old node.
//
// When: right after the recovery, while the old node is still down. Once it rejoins, its parked
// job is due at once (next_sync = last_try + 5·fail_count minutes, counted from the failed try at
// recovery time, long past) and pvesr's next minute tick runs it; HA's failback migrates within
// one CRM round (~10 s), and that migration replicates first even with the job disabled. No poll
// cycle is short enough to react after the return, so the page offers the hold during the outage
// and still offers it after the return, until the first sync back has run.

const label = (g: { type: string; vmid: number; name: string | null }) => `${g.type === "lxc" ? "CT" : "VM"} ${g.vmid}${g.name ? ` (${g.name})` : ""}`;

export type FailbackCandidate = { plan: FailbackGuestPlan | null; vmid: number; name: string | null; reason: string | null };

/** The latest outage of a node (ongoing or ended), with its guests. */
export function latestOutage(db: PrismaClient, clusterId: string, node: string) {
  return db.nodeOutage.findFirst({ where: { clusterId, node }, orderBy: { failedAt: "desc" }, include: { guests: { orderBy: { vmid: "asc" } } } });
}

/** The job that replicated old → new before the failure, turned around by Proxmox or about to be. */
export function turnedJob(live: LiveCluster, vmid: number, oldNode: string, newNode: string) {
  return jobsOfGuest(live, vmid).find((j) => !j.remove_job && pointsBackAt(j, oldNode, newNode));
}

export async function planFailback(deps: GatherDeps, clusterId: string, node: string): Promise<{ outageId: string; candidates: FailbackCandidate[] }> {
  const outage = await latestOutage(deps.db, clusterId, node);
  if (!outage) throw new UserError(`No failure of ${node} is recorded: there is nothing to fail back.`);
  const live = await readLiveCluster(deps.client, deps.now);
  const [lists, ha] = await Promise.all([
    deps.db.guestDiskList.findMany({ where: { clusterId, vmid: { in: outage.guests.map((g) => g.vmid) } } }),
    deps.db.haState.findUnique({ where: { clusterId } }),
  ]);
  const resources = parseHaResources(ha?.resources);
  const placements = parseHaPlacement(ha?.placement);
  const candidates: FailbackCandidate[] = [];
  for (const og of outage.guests) {
    const base = { vmid: og.vmid, name: og.name };
    const newNode = guestEntries(live, og.vmid)[0]?.node;
    if (!newNode) {
      candidates.push({ ...base, plan: null, reason: "No longer in the cluster." });
      continue;
    }
    if (newNode === node) {
      candidates.push({ ...base, plan: null, reason: `Still on ${node}: it was not recovered elsewhere, its disks there are its own.` });
      continue;
    }
    const job = turnedJob(live, og.vmid, node, newNode);
    if (!job) {
      candidates.push({ ...base, plan: null, reason: `No replication job points back at ${node}: no sync will roll its disks there back.` });
      continue;
    }
    if (job.target === node) {
      const state = (await getNodeReplicationStatus(deps.client, newNode, { guest: og.vmid })).data.find((s) => s.id === job.id);
      if (state && state.last_sync > 0) {
        candidates.push({ ...base, plan: null, reason: `Job ${job.id} already synced back to ${node}: its writes after the failure were rolled back then.` });
        continue;
      }
    }
    const disks = parseStoredDisks(lists.find((l) => l.vmid === og.vmid)?.disks).filter((d) => diskCoverage(d).kind === "replicated" && d.storage);
    if (disks.length === 0) {
      candidates.push({ ...base, plan: null, reason: "Its disk list was never read, so the volumes to keep are unknown." });
      continue;
    }
    const sid = haSidOf(og.type, og.vmid);
    const resource = resources.find((r) => r.sid === sid);
    const placement = resource ? placementOf(resource, placements) : null;
    const movesBack = resource ? haFailbackEffect(resource, placement, [...live.nodes.keys()], sid).kind === "moves-back" : false;
    // PVE 9 holds failback per resource; PVE 8's `nofailback` is a group setting shared by every
    // member, which a per-guest hold must not change: the page says what HA will do instead.
    const holdHa = movesBack && placement?.kind === "node-affinity";
    const replicas = parseOutageReplicas(og.replicas);
    candidates.push({
      ...base,
      reason: null,
      plan: {
        vmid: og.vmid,
        type: og.type === "lxc" ? "lxc" : "qemu",
        name: og.name,
        oldNode: node,
        newNode,
        jobId: job.id,
        lastSync: replicas.find((r) => r.jobId === job.id)?.lastSync ?? null,
        failedAt: outage.failedAt,
        volumes: disks.map((d) => ({ volid: d.volid, storage: d.storage as string, name: d.volid.slice(d.volid.indexOf(":") + 1) })),
        haSid: holdHa ? sid : null,
      },
    });
  }
  return { outageId: outage.id, candidates };
}

const STEP_TITLES: Record<FailbackStepKind, (g: FailbackGuestPlan) => string> = {
  "failback-hold-ha": (g) => `Hold HA's failback of ${g.haSid} to ${g.oldNode}`,
  "failback-hold-job": (g) => `Hold job ${g.jobId} (${g.newNode} → ${g.oldNode}): disable it`,
  "failback-decide": (g) => `Keep or discard what ${g.oldNode} wrote to ${label(g)} after its last sync`,
  "failback-preserve": (g) => `Keep ${g.oldNode}'s volumes of ${label(g)} out of pvesr's reach`,
  "failback-release": (g) => `Re-enable job ${g.jobId}`,
  "failback-sync": (g) => `Replicate ${label(g)} to ${g.oldNode} now and confirm the sync`,
  "failback-restore-ha": (g) => `Restore HA's failback of ${g.haSid}`,
};

export function failbackSteps(g: FailbackGuestPlan): StepSpec[] {
  const kinds: FailbackStepKind[] = g.haSid
    ? ["failback-hold-ha", "failback-hold-job", "failback-decide", "failback-preserve", "failback-release", "failback-sync", "failback-restore-ha"]
    : ["failback-hold-job", "failback-decide", "failback-preserve", "failback-release", "failback-sync"];
  return kinds.map((kind) => ({ vmid: g.vmid, kind, title: STEP_TITLES[kind](g), params: g }));
}

/**
 * Holds replication back to `node` for every guest its last outage moved elsewhere, one lane
 * each (all at once: a lane waits for its keep/discard choice). `vmids` narrows it to some.
 */
export async function startFailbackHold(
  deps: GatherDeps,
  input: { clusterId: string; node: string; vmids?: number[] },
  holder: Holder,
): Promise<CreatedOperation & { leftAlone: LeftAlone[] }> {
  const { candidates } = await planFailback(deps, input.clusterId, input.node);
  return createFailbackHold(deps, input, candidates, holder);
}

/** Stores the hold of the planned candidates (`vmids` narrows them); the others are listed with their reason. */
export async function createFailbackHold(
  deps: Pick<GatherDeps, "db" | "now">,
  input: { clusterId: string; node: string; vmids?: number[] },
  candidates: FailbackCandidate[],
  holder: Holder,
): Promise<CreatedOperation & { leftAlone: LeftAlone[] }> {
  const wanted = candidates.filter((c) => !input.vmids || input.vmids.includes(c.vmid));
  const guests = wanted.flatMap((c) => (c.plan ? [c.plan] : []));
  const leftAlone = wanted.filter((c) => !c.plan).map((c) => ({ vmid: c.vmid, name: c.name, reason: c.reason ?? "" }));
  if (guests.length === 0) throw new UserError(`Nothing to hold for ${input.node}: ${leftAlone.map((l) => `${l.vmid}: ${l.reason}`).join(" ") || "no guest of its outage was recovered elsewhere."}`);
  const steps: StepSpec[] = [
    ...leftAlone.map((l): StepSpec => ({ vmid: l.vmid, kind: "leave-alone", title: `Leave ${l.vmid}${l.name ? ` (${l.name})` : ""} alone`, params: l, state: "skipped", message: l.reason })),
    ...guests.flatMap(failbackSteps),
  ];
  const created = await createOperation(deps, {
    clusterId: input.clusterId,
    kind: FAILBACK_OPERATION_KIND,
    title: `Fail back to ${input.node}: hold replication, keep or discard its writes`,
    sourceNode: input.node,
    parallelism: guests.length,
    plan: { guests: [], leftAlone, acceptedWarnings: [], failback: guests },
    steps,
    lockVmids: guests.map((g) => g.vmid),
  }, holder);
  return { ...created, leftAlone };
}
