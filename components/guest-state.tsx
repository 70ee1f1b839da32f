import { LocalTime } from "@/components/local-time";
import { StatusBadge } from "@/components/status-badge";
import type { GuestPresence } from "@/lib/clusters/guest-presence";

/**
 * A guest's state as guestPresence allows it to be told: a guest of an offline node reads as
 * unknown with when and how it was last seen, never as a plain "running".
 */
export function GuestState({ presence, fallback }: { presence: GuestPresence | null | undefined; fallback: string }) {
  if (!presence || presence.kind === "known") return <span data-testid="guest-state">{presence?.label ?? fallback}</span>;
  return (
    <span data-testid="guest-state" className="inline-flex flex-wrap items-center gap-1">
      <StatusBadge status="unknown">Unknown</StatusBadge>
      <span className="text-muted-foreground text-xs">
        node {presence.node} offline,{" "}
        {presence.lastSeenAt === null ? (
          "never seen online"
        ) : (
          <>
            last seen {presence.lastStatus ?? "in an unknown state"} at <LocalTime at={presence.lastSeenAt} />
          </>
        )}
      </span>
    </span>
  );
}
