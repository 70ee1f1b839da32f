import type { HaResourceState } from "./ha-state";

export type MoveGuard = { allowed: true } | { allowed: false; reason: string };

/**
 * May pve-standby move this guest itself (a manual migration, or moving its configuration off a
 * dead node)? Not when HA manages it: the CRM fences the dead node and recovers the guest on its
 * own, and a second mover racing it can start the guest twice. Pure: the failover engine calls
 * it before any step that moves a guest, the pages to explain why no button is offered.
 */
export function guardManualMove(input: { sid: string; haResource: Pick<HaResourceState, "state"> | null | undefined; nodeOnline: boolean | null }): MoveGuard {
  const res = input.haResource;
  if (!res || res.state === "ignored") return { allowed: true };
  if (input.nodeOnline === false) {
    return {
      allowed: false,
      reason: `${input.sid} is HA-managed: HA fences its dead node and recovers it by itself; moving it by hand as well could start it twice. Follow HA's recovery on the Failover page, or set the resource to "ignored" in HA first.`,
    };
  }
  return {
    allowed: false,
    reason: `${input.sid} is HA-managed: move it through HA (ha-manager migrate), which keeps the CRM in charge, never by a migration HA does not know about.`,
  };
}
