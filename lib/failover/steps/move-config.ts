import { logger } from "@/lib/logger";
import { SshConnectionError } from "@/lib/ssh/errors";
import type { RemoteShell } from "@/lib/ssh/remote-shell";
import { guestEntries, isOnline, readLiveCluster } from "../live-state";
import { configPath, quorumWayOut, recoveryCommands } from "../recovery-preflight";
import type { StepContext, StepHandler } from "../step-types";
import { guestLabel, nodeBackMessage, recoveryParams, type RecoveryParams } from "./recovery-checks";

// Moving a dead node's guest configuration to the survivor (reference §6.9 step 3). With the
// cluster's recovery credential pve-standby does it over SSH on the target; without one the
// operator is shown the exact commands and the step waits until Proxmox lists the guest on the
// target (the start is then offered, confirm-start.ts). Idempotent: a configuration already on the target is only recorded.

const SHELL_TIMEOUT_MS = 20_000;

/** "Quorate: Yes" in `pvecm status` (corosync's votequorum as pvecm prints it). */
export function pvecmSaysQuorate(stdout: string): boolean {
  return /^\s*Quorate:\s+Yes\b/m.test(stdout);
}

/** `unreachable`: try again (the node is busy, the network blinked); `refused`: a changed host key or a refused login stops. */
type ShellOutcome = { shell: RemoteShell | null; error: string | null; kind?: "unreachable" | "refused" };

async function openShell(ctx: StepContext, target: string): Promise<ShellOutcome> {
  if (!ctx.deps.shellFor) return { shell: null, error: null };
  try {
    return { shell: await ctx.deps.shellFor(ctx.op.clusterId, target), error: null };
  } catch (error) {
    // A changed host key or a refused login: never fall back to anything weaker, stop and say why.
    const message = error instanceof Error ? error.message : String(error);
    logger.warn({ operationId: ctx.op.id, target, err: message }, "Recovery could not open a shell on the target");
    return { shell: null, error: message, kind: error instanceof SshConnectionError ? "unreachable" : "refused" };
  }
}

export const moveConfigStep: StepHandler = {
  // Without a credential the operator types the commands: give them the night.
  timeoutSeconds: 12 * 3600,

  async check(ctx) {
    const g = recoveryParams(ctx);
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    const entries = guestEntries(live, g.vmid);
    const commands = recoveryCommands(g);
    if (entries.length === 1 && entries[0]?.node === g.target) {
      return { outcome: "already-done", message: `${guestLabel(g)}'s configuration is on ${g.target}.`, result: { commands } };
    }
    if (isOnline(live, g.source)) return { outcome: "fail", message: nodeBackMessage({ ...g, node: g.source, phase: "move" }, entries[0]?.node ?? null) };
    if (entries.length !== 1 || entries[0]?.node !== g.source) {
      return { outcome: "fail", message: `Proxmox lists ${guestLabel(g)} on ${entries.map((e) => e.node).join(", ") || "no node"}, not on ${g.source} alone: stopped before moving anything.` };
    }
    if (!live.quorate) return { outcome: "wait", message: `No quorum: waiting for it before moving anything. ${quorumWayOut(live, g.source).explanation}`, result: { commands } };
    const { shell, error, kind } = await openShell(ctx, g.target);
    if (error && kind === "unreachable") return { outcome: "wait", message: `No SSH connection to ${g.target} yet (${error}); trying again. Nothing was moved.`, result: { commands } };
    if (error) return { outcome: "fail", message: `Cannot log in to ${g.target} with the recovery credential: ${error}. Nothing was moved.` };
    if (!shell) {
      return {
        outcome: "wait",
        message: `No recovery credential for this cluster: run the commands shown on ${g.target}; pve-standby sees the configuration arrive and then offers the start.`,
        result: { mode: "manual", commands },
      };
    }
    try {
      const status = await shell.run("pvecm status", { timeoutMs: SHELL_TIMEOUT_MS });
      if (!pvecmSaysQuorate(status.stdout)) {
        return { outcome: "wait", message: `${g.target}'s \`pvecm status\` does not say "Quorate: Yes"; waiting for quorum before moving anything.`, result: { mode: "ssh", pvecm: status.stdout.slice(0, 2000) } };
      }
      return { outcome: "ready", message: `${g.target} reports quorum (pvecm status); moving the configuration.`, result: { mode: "ssh", pvecm: status.stdout.slice(0, 2000) } };
    } finally {
      shell.close();
    }
  },

  async act(ctx) {
    const g = recoveryParams(ctx);
    const { shell, error } = await openShell(ctx, g.target);
    // Unknown whether anything ran: throwing leaves the step in `acting`; the next pass adopts or checks again.
    if (!shell) throw new Error(error ?? "the recovery credential was removed");
    try {
      const mv = `mv ${configPath(g.source, g.type, g.vmid)} ${configPath(g.target, g.type, g.vmid)}`;
      const out = await shell.run(mv, { timeoutMs: SHELL_TIMEOUT_MS });
      return {
        message: out.code === 0 ? `Moved over SSH on ${g.target}: ${mv}` : `\`${mv}\` on ${g.target} answered ${out.code}: ${out.stderr.trim() || out.stdout.trim()}`,
        result: { mode: "ssh", command: mv, mvCode: out.code, mvStderr: out.stderr.slice(0, 2000) },
      };
    } finally {
      shell.close();
    }
  },

  async adopt(ctx) {
    const g = recoveryParams(ctx);
    if (await configOnTarget(ctx, g)) return { adopted: true, message: `${guestLabel(g)}'s configuration is already on ${g.target}: the move went out before the restart.` };
    return { adopted: false };
  },

  async verify(ctx) {
    const g = recoveryParams(ctx);
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    const entries = guestEntries(live, g.vmid);
    if (entries.length === 1 && entries[0]?.node === g.target) {
      ctx.deps.onClusterChanged?.(ctx.op.clusterId);
      // Who moved it decides whether the start is asked for (confirm-start): an action of this
      // step (or one adopted after a restart) is pve-standby's; anything else is the operator's.
      const movedBy = ctx.step.actedAt ? "pve-standby" : "operator";
      return { outcome: "done", message: `Proxmox lists ${guestLabel(g)} on ${g.target}.`, result: { movedAt: live.now, movedBy } };
    }
    const code = ctx.result.mvCode;
    if (typeof code === "number" && code !== 0) return { outcome: "fail", message: `The move failed on ${g.target}: ${String(ctx.result.mvStderr ?? "").trim() || `exit ${code}`}. ${guestLabel(g)} stays on ${g.source}.` };
    return { outcome: "wait", message: `Moved; waiting for Proxmox to list ${guestLabel(g)} on ${g.target} (now ${entries.map((e) => e.node).join(", ") || "nowhere"}).` };
  },
};

/** After a restart: the configuration file on the target (over SSH) or the guest listed there. */
async function configOnTarget(ctx: StepContext, g: RecoveryParams): Promise<boolean> {
  const live = await readLiveCluster(ctx.client, ctx.deps.now);
  if (guestEntries(live, g.vmid).some((e) => e.node === g.target)) return true;
  const { shell } = await openShell(ctx, g.target);
  if (!shell) return false;
  try {
    return (await shell.run(`ls ${configPath(g.target, g.type, g.vmid)}`, { timeoutMs: SHELL_TIMEOUT_MS })).code === 0;
  } finally {
    shell.close();
  }
}
