import type { GuestPlan } from "./types";

// The root-shell side of Proxmox's manual recovery (reference §6.9). Pure and client-safe: the
// dialogs show these commands, the move-config step runs the same ones over SSH.

export function configPath(node: string, type: string, vmid: number): string {
  return `/etc/pve/nodes/${node}/${type === "lxc" ? "lxc" : "qemu-server"}/${vmid}.conf`;
}

/** The root-shell commands of §6.9 for this guest, run on the target: what an operator types without a credential. */
export function recoveryCommands(g: Pick<GuestPlan, "vmid" | "type" | "source" | "target">): string[] {
  return [
    `# on ${g.target}, as root (SSH or the node's web shell)`,
    `pvecm status   # go on only if it says "Quorate: Yes"`,
    `mv ${configPath(g.source, g.type, g.vmid)} ${configPath(g.target, g.type, g.vmid)}`,
  ];
}
