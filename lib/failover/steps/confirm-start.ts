import { getGuestStatus } from "@/lib/proxmox/guests";
import { guestEntries, isOnline, readLiveCluster } from "../live-state";
import type { StepContext, StepHandler } from "../step-types";
import { parseStepDecision, type StepDecision } from "../types";
import { guestLabel, nodeBackMessage, recoveryParams, type RecoveryParams } from "./recovery-checks";

// The start offer of a recovery whose configuration the operator moved by hand (no recovery
// credential, or it failed over to the shown commands): once Proxmox lists the guest on the
// target, the lane waits here for the holder's Start or "leave it stopped" (stored in
// FailoverStep.decision by POST /api/failover/operations/{id}/start-choice). What decides is how
// the configuration moved, read at run time from the move-config step: pve-standby starts by
// itself only what it moved itself over SSH. A credential added while the commands were shown is
// then used for the move (and the start follows); one added after the operator's own move changes
// nothing, because the operator is the one at the shell and the one who decides.

/** Who moved the configuration, as move-config recorded it when it saw the guest on the target. */
async function movedBy(ctx: StepContext, vmid: number): Promise<string | null> {
  const move = await ctx.deps.db.failoverStep.findFirst({ where: { operationId: ctx.op.id, vmid, kind: "move-config" }, select: { result: true } });
  const result = move ? (JSON.parse(move.result) as { movedBy?: unknown }) : {};
  return typeof result.movedBy === "string" ? result.movedBy : null;
}

function decisionOf(ctx: StepContext): { decision: StepDecision | null; error: string | null } {
  try {
    return { decision: parseStepDecision(ctx.step.decision), error: null };
  } catch (error) {
    return { decision: null, error: error instanceof Error ? error.message : String(error) };
  }
}

export function startChoiceMessage(g: Pick<RecoveryParams, "vmid" | "type" | "target" | "source">, d: StepDecision): string {
  return d.choice === "start"
    ? `${d.by} chose to start ${guestLabel(g)} on ${g.target} (${d.at}); ${g.source} is read offline once more right before the start.`
    : `${d.by} chose to leave ${guestLabel(g)} stopped on ${g.target} (${d.at}): its configuration is there, it was not started.`;
}

export const confirmStartStep: StepHandler = {
  // The operator may be on the phone with the guest's owners: as long as the fencing confirmation.
  timeoutSeconds: 24 * 3600,

  async check(ctx) {
    const g = recoveryParams(ctx);
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    const entries = guestEntries(live, g.vmid);
    if (isOnline(live, g.source)) return { outcome: "fail", message: nodeBackMessage({ ...g, node: g.source, phase: "start" }, entries[0]?.node ?? null), result: { offer: false } };
    if (entries.length !== 1 || entries[0]?.node !== g.target) {
      return { outcome: "fail", message: `Proxmox lists ${guestLabel(g)} on ${entries.map((e) => e.node).join(", ") || "no node"}, not on ${g.target} alone: not started.`, result: { offer: false } };
    }
    if ((await movedBy(ctx, g.vmid)) === "pve-standby") {
      return { outcome: "already-done", message: `pve-standby moved the configuration itself (SSH, recovery credential): no question asked, the start follows once ${g.source} is read offline again.`, result: { offer: false, auto: true } };
    }
    const { decision, error } = decisionOf(ctx);
    if (error) return { outcome: "fail", message: `The stored choice for ${guestLabel(g)} cannot be read (${error}); nothing was started.`, result: { offer: false } };
    if (decision) return { outcome: "already-done", message: startChoiceMessage(g, decision), result: { offer: false } };
    const status = await getGuestStatus(ctx.client, g.target, g.type, g.vmid);
    if (status.data.status === "running") {
      return {
        outcome: "fail",
        result: { offer: false },
        message: `${guestLabel(g)} already runs on ${g.target}, but no one chose Start here: it was started outside pve-standby (at a shell or by another tool). ` +
          `pve-standby started nothing and leaves it running; make sure ${g.source} stays off, or its own disks run the guest a second time.`,
      };
    }
    return { outcome: "wait", message: `The configuration of ${guestLabel(g)} is on ${g.target}. Start it now?`, result: { offer: true } };
  },

  async verify(ctx) {
    const g = recoveryParams(ctx);
    const { decision } = decisionOf(ctx);
    if (decision?.choice !== "leave-stopped") return { outcome: "done", message: ctx.step.message ?? "Start confirmed." };
    // The start and its last "still dead" do not apply any more; the jobs turned around still do.
    const message = startChoiceMessage(g, decision);
    await ctx.deps.db.failoverStep.updateMany({
      where: { operationId: ctx.op.id, vmid: g.vmid, seq: { gt: ctx.step.seq }, state: "pending", kind: { in: ["verify-node-dead", "start-guest"] } },
      data: { state: "skipped", message: `Not run: ${message}` },
    });
    return { outcome: "done", message, result: { leftStopped: true } };
  },
};
