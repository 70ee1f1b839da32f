import type { Logger } from "pino";
import { recordAudit } from "@/lib/audit/record-audit";
import { UserError } from "@/lib/auth/users";
import type { PrismaClient } from "@/prisma/generated/client";
import { operationTarget } from "./audit";
import { createFailbackHold, planFailback } from "./failback-plan";
import { AUTO_HOLD_LABEL, FAILBACK_OPERATION_KIND, planFailedAt, pointsBackAt } from "./failback-types";
import type { GatherDeps } from "./gather";
import type { Holder } from "./lock";

// The failback hold pve-standby places by itself (cluster setting `failbackAutoHold`, on by
// default), after every poll: as soon as a guest of a node that is down runs elsewhere (HA, a
// recovery operation of ours, or a person's `mv` outside pve-standby) and still has a job
// pointing back at the dead node, the same `failback` operation an operator would start holds
// that job (and HA's failback) and waits for a person's keep/discard.
//
// Why without a click: once the node rejoins, its parked job runs at pvesr's next minute and
// `zfs recv -F` discards what it wrote after its last sync (README "When to hold"); at 3 a.m.
// nobody is there to click in time. Holding costs nothing but replication to a node that is down.
//
// Once per guest and outage: a guest already in a hold of this outage (in any state, abandoned
// or failed included: a person's abandon is a decision, a refusal is shown, not retried every
// poll) is left alone; guests recovered later in the same outage get an operation of their own.
// A guest locked by another operation (a recovery still starting it) is tried again next poll.

export const AUTO_HOLDER: Holder = { id: null, label: AUTO_HOLD_LABEL };
const ACTOR = { id: null, label: AUTO_HOLD_LABEL, type: "system" as const };

export type AutoHoldDeps = GatherDeps & { log: Pick<Logger, "info" | "warn" | "error"> };

export type AutoHoldOutcome = {
  /** Operations created by this call. */
  held: { operationId: string; node: string; vmids: number[] }[];
  /** Guests locked by another operation: tried again next poll. */
  waiting: number[];
  /** Guests whose hold could not be placed, with the reason (stored on their outage row and shown). */
  problems: { node: string; vmid: number; reason: string }[];
};

export async function holdRecoveredGuests(deps: AutoHoldDeps, clusterId: string): Promise<AutoHoldOutcome> {
  const outcome: AutoHoldOutcome = { held: [], waiting: [], problems: [] };
  const cluster = await deps.db.cluster.findUnique({ where: { id: clusterId }, select: { failbackAutoHold: true } });
  if (!cluster?.failbackAutoHold) return outcome;
  const outages = await deps.db.nodeOutage.findMany({ where: { clusterId, endedAt: null }, include: { guests: true } });
  for (const outage of outages) {
    const due = await guestsToHold(deps.db, clusterId, outage);
    if (due.length === 0) continue;
    const locks = await deps.db.failoverLock.findMany({ where: { clusterId, vmid: { in: due } } });
    outcome.waiting.push(...locks.map((l) => l.vmid));
    const free = due.filter((vmid) => !locks.some((l) => l.vmid === vmid));
    if (free.length === 0) continue;
    await holdOutageGuests(deps, clusterId, outage, free, outcome);
  }
  return outcome;
}

type Outage = { id: string; node: string; failedAt: number; guests: { vmid: number; autoHoldProblem: string | null }[] };

/** From our database only (no Proxmox call while nothing is due): the outage's guests now elsewhere, with a job back, not yet in a hold of this outage. */
async function guestsToHold(db: PrismaClient, clusterId: string, outage: Outage): Promise<number[]> {
  const vmids = outage.guests.map((g) => g.vmid);
  if (vmids.length === 0) return [];
  const [guests, jobs] = await Promise.all([
    db.guest.findMany({ where: { clusterId, vmid: { in: vmids }, goneAt: null }, select: { vmid: true, node: true } }),
    db.replicationJob.findMany({ where: { clusterId, vmid: { in: vmids }, goneAt: null, removeJob: null }, select: { vmid: true, source: true, target: true } }),
  ]);
  const moved = guests.filter((g) => g.node !== outage.node && jobs.some((j) => j.vmid === g.vmid && pointsBackAt(j, outage.node, g.node))).map((g) => g.vmid);
  if (moved.length === 0) return [];
  const decided = await db.failoverStep.findMany({
    where: { vmid: { in: moved }, kind: "failback-decide", operation: { clusterId, kind: FAILBACK_OPERATION_KIND, sourceNode: outage.node } },
    select: { vmid: true, params: true },
  });
  return moved.filter((vmid) => !decided.some((s) => s.vmid === vmid && planFailedAt(s.params) === outage.failedAt));
}

async function holdOutageGuests(deps: AutoHoldDeps, clusterId: string, outage: Outage, vmids: number[], outcome: AutoHoldOutcome) {
  let candidates;
  try {
    ({ candidates } = await planFailback(deps, clusterId, outage.node));
  } catch (error) {
    const reason = `Could not read the cluster to plan the hold: ${messageOf(error)}`;
    for (const vmid of vmids) await recordProblem(deps, clusterId, outage, vmid, reason, outcome);
    return;
  }
  const wanted = candidates.filter((c) => vmids.includes(c.vmid));
  for (const c of wanted) if (!c.plan) await recordProblem(deps, clusterId, outage, c.vmid, c.reason ?? "It cannot be held.", outcome);
  const planned = wanted.filter((c) => c.plan).map((c) => c.vmid);
  if (planned.length === 0) return;
  try {
    const created = await createFailbackHold(deps, { clusterId, node: outage.node, vmids: planned }, wanted.filter((c) => c.plan), AUTO_HOLDER);
    await deps.db.outageGuest.updateMany({ where: { outageId: outage.id, vmid: { in: planned } }, data: { autoHoldProblem: null, autoHoldProblemAt: null } });
    await recordAudit(deps.db, {
      actor: ACTOR,
      action: "failover.start",
      outcome: "success",
      target: operationTarget(created.id),
      details: { automatic: true, clusterId, node: outage.node, outageId: outage.id, vmids: planned, title: created.title },
      at: new Date(deps.now()),
    });
    deps.log.info({ clusterId, node: outage.node, vmids: planned, operationId: created.id }, "Held replication back to a dead node automatically");
    outcome.held.push({ operationId: created.id, node: outage.node, vmids: planned });
  } catch (error) {
    // Another operation took a guest's lock between our read and the insert: next poll.
    if (error instanceof UserError && /is held by/.test(error.message)) {
      outcome.waiting.push(...planned);
      return;
    }
    for (const vmid of planned) await recordProblem(deps, clusterId, outage, vmid, `Could not store the hold: ${messageOf(error)}`, outcome);
  }
}

/** Logged every time, stored on the guest's outage row for the Failover page, audited when it changes (not every poll). */
async function recordProblem(deps: AutoHoldDeps, clusterId: string, outage: Outage, vmid: number, reason: string, outcome: AutoHoldOutcome) {
  outcome.problems.push({ node: outage.node, vmid, reason });
  deps.log.warn({ clusterId, node: outage.node, vmid, reason }, "Could not hold replication back to a dead node automatically");
  const before = outage.guests.find((g) => g.vmid === vmid)?.autoHoldProblem ?? null;
  await deps.db.outageGuest.updateMany({ where: { outageId: outage.id, vmid }, data: { autoHoldProblem: reason, autoHoldProblemAt: Math.floor(deps.now() / 1000) } });
  if (before === reason) return;
  await recordAudit(deps.db, {
    actor: ACTOR,
    action: "failover.start",
    outcome: "failure",
    target: { type: "cluster", id: clusterId },
    details: { automatic: true, kind: FAILBACK_OPERATION_KIND, node: outage.node, outageId: outage.id, vmid, reason },
    at: new Date(deps.now()),
  });
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The poller's after-poll step: never throws (a failure here must not count as a failed poll),
 * but logs what it could not do; the problems it could attribute to a guest are stored above.
 */
export async function autoHoldAfterPoll(deps: AutoHoldDeps, clusterId: string): Promise<void> {
  try {
    await holdRecoveredGuests(deps, clusterId);
  } catch (error) {
    deps.log.error({ clusterId, err: error }, "Automatic failback hold crashed");
  }
}
