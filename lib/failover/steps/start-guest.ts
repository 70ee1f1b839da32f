import { getGuestStatus, startGuest } from "@/lib/proxmox/guests";
import { listNodeTasks } from "@/lib/proxmox/tasks";
import { guestEntries, isOnline, readLiveCluster } from "../live-state";
import type { StepContext, StepHandler } from "../step-types";
import { parseStepDecision } from "../types";
import { guestLabel, nodeBackMessage, recoveryParams } from "./recovery-checks";
import { followTask, taskError, taskSucceeded } from "./task-follow";

// Starting the recovered guest on the survivor through the API (reference §6.9 step 4). The
// dead node is read once more in the same pass right before the start request: whatever
// happened since the previous step, a node that is back means no start.

/**
 * Why the lane's confirm-start does not allow this start, or null when it does: done, and either
 * automatic (pve-standby moved the configuration) or the holder chose Start. Lanes planned
 * before the offer existed have no confirm-start and start as they always did.
 */
async function goAhead(ctx: StepContext): Promise<string | null> {
  const offer = await ctx.deps.db.failoverStep.findFirst({ where: { operationId: ctx.op.id, vmid: ctx.step.vmid, kind: "confirm-start" } });
  if (!offer) return null;
  const result = JSON.parse(offer.result) as { auto?: boolean };
  let choice: string | null = null;
  try {
    choice = parseStepDecision(offer.decision)?.choice ?? null;
  } catch {
    return "The stored choice cannot be read: not started.";
  }
  if (offer.state === "done" && (result.auto === true || choice === "start")) return null;
  return `No operator chose Start (the offer is ${offer.state}${choice ? `, choice: ${choice}` : ""}): not started.`;
}

export const startGuestStep: StepHandler = {
  timeoutSeconds: 900,

  async check(ctx) {
    const g = recoveryParams(ctx);
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    const entries = guestEntries(live, g.vmid);
    if (isOnline(live, g.source)) return { outcome: "fail", message: nodeBackMessage({ ...g, node: g.source, phase: "start" }, entries[0]?.node ?? null) };
    if (entries.length !== 1 || entries[0]?.node !== g.target) {
      return { outcome: "fail", message: `Proxmox lists ${guestLabel(g)} on ${entries.map((e) => e.node).join(", ") || "no node"}, not on ${g.target} alone: not started.` };
    }
    const go = await goAhead(ctx);
    if (go) return { outcome: "fail", message: go };
    if (!live.quorate) return { outcome: "wait", message: "No quorum: Proxmox refuses to start guests until it is back; waiting." };
    const status = await getGuestStatus(ctx.client, g.target, g.type, g.vmid);
    const result = { checkedAt: live.now };
    if (status.data.status === "running") return { outcome: "already-done", message: `${guestLabel(g)} already runs on ${g.target}.`, result };
    return { outcome: "ready", message: `${g.source} is still offline; starting ${guestLabel(g)} on ${g.target}.`, result };
  },

  async act(ctx) {
    const g = recoveryParams(ctx);
    const upid = await startGuest(ctx.client, g.target, g.type, g.vmid);
    return { upid, message: `Start of ${guestLabel(g)} on ${g.target} sent (${upid}).` };
  },

  async adopt(ctx) {
    const g = recoveryParams(ctx);
    const since = Number(ctx.result.checkedAt ?? 0) - 5;
    const tasks = await listNodeTasks(ctx.client, g.target, { vmid: g.vmid, typefilter: g.type === "qemu" ? "qmstart" : "vzstart", source: "all", limit: 20 });
    const task = tasks.data.filter((t) => t.starttime >= since).sort((a, b) => b.starttime - a.starttime)[0];
    if (!task) return { adopted: false };
    return { adopted: true, upid: task.upid, message: `A start of ${guestLabel(g)} went out before the restart (${task.upid}); following it.` };
  },

  async verify(ctx) {
    const g = recoveryParams(ctx);
    const upid = ctx.step.upid;
    const task = upid ? await followTask(ctx.client, upid) : undefined;
    const result = { taskLog: task?.log ?? [], exitstatus: task?.exitstatus ?? null };
    if (task?.running) return { outcome: "wait", message: `Starting ${guestLabel(g)} on ${g.target}…`, result };
    if (task && !taskSucceeded(task)) return { outcome: "fail", message: `The start failed: ${taskError(task)}. ${guestLabel(g)} is on ${g.target}, stopped.`, result };
    const status = await getGuestStatus(ctx.client, g.target, g.type, g.vmid);
    if (status.data.status !== "running") return { outcome: "wait", message: `The start task ended; ${guestLabel(g)} is ${status.data.status}, waiting for it to run.`, result };
    ctx.deps.onClusterChanged?.(ctx.op.clusterId);
    return { outcome: "done", message: `${guestLabel(g)} runs on ${g.target}, and nowhere else: ${g.source} is offline.`, result: { ...result, startedAt: Math.floor(ctx.deps.now() / 1000) } };
  },
};
