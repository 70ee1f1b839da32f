import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";

/**
 * What an operator does by hand on the survivor: `mv` of the guest's configuration under
 * /etc/pve/nodes (reference §6.9 step 3), as the simulated node's root shell does it.
 */
export async function operatorMovesConfig(fx: SimulatorFixture, move: { vmid: number; from: string; to: string }): Promise<void> {
  const guest = fx.sim.model.guest(move.vmid);
  if (!guest || guest.node !== move.from) throw new Error(`guest ${move.vmid} is not on ${move.from}`);
  // pmxcfs renames the file; the guest is now the target's, stopped (its process was on the dead node).
  guest.node = move.to;
  guest.status = "stopped";
  fx.sim.model.touch();
}
