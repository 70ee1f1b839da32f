// What the console may say about a guest's state. Proxmox keeps showing a dead node's guests
// with their last status in /cluster/resources for ~5 minutes (pmxcfs RRD staleness), then
// "unknown"; a page must never repeat that "running" as if it were true now. The one owner of
// that rule: every page that shows a guest's state calls guestPresence. Pure, client-safe.

export type GuestPresence =
  | { kind: "known"; state: string; label: string }
  | {
      kind: "node-offline";
      state: "unknown";
      label: "Unknown";
      node: string;
      /** What the guest was while its node was last seen online. */
      lastStatus: string | null;
      /** When the node was last seen online, Unix seconds; null when never. */
      lastSeenAt: number | null;
    };

export type PresenceGuest = { status: string; node: string | null };
export type PresenceNode = { online: boolean; lastSeenAt: string | Date | null } | null | undefined;

/**
 * `statusBefore` is the state recorded when the node was seen going offline (the poller's
 * NodeOutage), which outlives Proxmox's stale answer turning into "unknown".
 */
export function guestPresence(guest: PresenceGuest, node: PresenceNode, statusBefore?: string | null): GuestPresence {
  if (guest.node && node && !node.online) {
    const seen = node.lastSeenAt ? new Date(node.lastSeenAt).getTime() / 1000 : null;
    const last = statusBefore ?? (guest.status !== "unknown" ? guest.status : null);
    return { kind: "node-offline", state: "unknown", label: "Unknown", node: guest.node, lastStatus: last, lastSeenAt: seen };
  }
  return { kind: "known", state: guest.status, label: guest.status };
}

/** "node pve1 offline, last seen running at 04:12:07"; the time formatter is the page's. */
export function describePresence(p: GuestPresence, formatTime: (unixSeconds: number) => string): string {
  if (p.kind === "known") return p.label;
  const seen = p.lastSeenAt === null ? "never seen online" : `last seen ${p.lastStatus ?? "in an unknown state"} at ${formatTime(p.lastSeenAt)}`;
  return `node ${p.node} offline, ${seen}`;
}
