import { guestWord } from "../guest-power";
import type { GuestType } from "../model-types";
import { guestPid } from "../replication-run";
import { requestPower } from "../routes/guest-actions";
import type { Command, CommandOutput, ShellContext } from "./shell";
import { fail, ok } from "./shell";

// `qm` and `pct` (qemu-server PVE/CLI/qm.pm, pve-container PVE/CLI/pct.pm): `start` calls the same
// API method the HTTPS route calls (vm_start, in-process as root@pam) and, as a CLI does, waits
// for its worker; a failure prints Proxmox's message and exits 255 (PVE::CLIHandler). `list`
// shows the guests whose configuration is on this node.

const MIB = 1024 * 1024;

function guestCli(type: GuestType): Command {
  const tool = type === "qemu" ? "qm" : "pct";
  return async (ctx, args) => {
    const [sub, vmidArg] = args;
    if (sub === "list") return type === "qemu" ? qmList(ctx) : pctList(ctx);
    if (sub === "start" || sub === "status") {
      if (vmidArg === undefined) return fail(`400 not enough arguments\n${tool} ${sub} <vmid>${sub === "start" ? " [OPTIONS]" : ""}`, 255);
      if (!/^\d+$/.test(vmidArg)) return fail(`400 Parameter verification failed.\nvmid: type check ('integer') failed - got '${vmidArg}'\n${tool} ${sub} <vmid>`, 255);
      const vmid = Number(vmidArg);
      const guest = ctx.sim.model.guest(vmid);
      if (!guest || guest.node !== ctx.node || guest.type !== type) {
        return fail(`Configuration file 'nodes/${ctx.node}/${type === "qemu" ? "qemu-server" : "lxc"}/${vmid}.conf' does not exist`, 255);
      }
      if (sub === "status") return ok(`status: ${guest.status}\n`);
      return start(ctx, vmid);
    }
    return fail(`ERROR: unknown command '${tool}${sub ? ` ${sub}` : ""}'\nUSAGE: ${tool} <COMMAND> [ARGS] [OPTIONS]`, 255);
  };
}

async function start(ctx: ShellContext, vmid: number): Promise<CommandOutput> {
  const { sim } = ctx;
  const guest = sim.model.guest(vmid);
  if (!guest) return fail(`Configuration file 'nodes/${ctx.node}/qemu-server/${vmid}.conf' does not exist`, 255);
  let task;
  try {
    task = requestPower(sim.core, guest, "start", "root@pam", sim.now());
  } catch (err) {
    return fail((err as Error).message, 255);
  }
  const ha = task.type === "hastart" ? `Requesting HA start for ${guestWord(guest)} ${vmid}\n` : "";
  // The CLI runs the worker in the foreground: wait for it on a running clock (a frozen test clock
  // moves only when the test advances it; the outcome is already decided then).
  const speed = sim.clock.speed;
  if (speed > 0) {
    const waitMs = Math.min(10_000, Math.max(0, ((task.endtime - sim.now()) * 1000) / speed) + 50);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    sim.core.sync();
  }
  if (task.exitstatus !== "OK") return { code: 255, stdout: ha, stderr: `${task.exitstatus}\n` };
  return ok(ha);
}

function qmList(ctx: ShellContext): CommandOutput {
  const { model } = ctx.sim;
  const rows = [`${"VMID".padStart(10)} ${"NAME".padEnd(20)} ${"STATUS".padEnd(10)} ${"MEM(MB)".padEnd(10)} ${"BOOTDISK(GB)".padStart(12)} ${"PID".padEnd(10)}`];
  for (const g of model.guestsOn(ctx.node).filter((x) => x.type === "qemu")) {
    const boot = (g.disks[0]?.size ?? 0) / 1024 ** 3;
    const pid = g.status === "running" ? guestPid(model, g) : 0;
    rows.push(`${String(g.vmid).padStart(10)} ${g.name.slice(0, 20).padEnd(20)} ${g.status.padEnd(10)} ${String(Math.round(g.maxmem / MIB)).padEnd(10)} ${boot.toFixed(2).padStart(12)} ${String(pid).padEnd(10)}`);
  }
  return ok(`${rows.join("\n")}\n`);
}

function pctList(ctx: ShellContext): CommandOutput {
  const rows = [`${"VMID".padEnd(10)} ${"Status".padEnd(10)} ${"Lock".padEnd(12)} ${"Name".padEnd(20)}`];
  for (const g of ctx.sim.model.guestsOn(ctx.node).filter((x) => x.type === "lxc")) {
    rows.push(`${String(g.vmid).padEnd(10)} ${g.status.padEnd(10)} ${(g.lock ?? "").padEnd(12)} ${g.name.padEnd(20)}`);
  }
  return ok(`${rows.join("\n")}\n`);
}

export const guestCommands: Record<string, Command> = { qm: guestCli("qemu"), pct: guestCli("lxc") };
