import { LocalTime } from "@/components/local-time";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import type { GuestRecovery } from "@/lib/failover/recovery-queries";
import { formatDuration } from "@/lib/replication/format-duration";

/** After a recovery: what the guest now runs from, and the data its node's failure cost. */
export function RecoveryNote({ recovery }: { recovery: GuestRecovery }) {
  return (
    <Alert variant={recovery.problem ? "destructive" : "default"} data-testid="recovery-note">
      <AlertTitle>
        Recovered from {recovery.fromNode} to {recovery.recoveredTo}
        {recovery.recoveredAt && (
          <>
            {" "}
            at <LocalTime at={recovery.recoveredAt} />
          </>
        )}
      </AlertTitle>
      <AlertDescription>
        {recovery.problem ? (
          <p>{recovery.problem}</p>
        ) : (
          <p>
            It runs from the replica of {recovery.replicaOf ? <LocalTime at={recovery.replicaOf} /> : "an unknown time"}
            {recovery.dataLoss.kind === "window" ? (
              <>
                : data-loss window {formatDuration(recovery.dataLoss.seconds)} ({recovery.dataLoss.seconds} seconds{recovery.dataLoss.exact ? "" : " at least"}) between that copy and the failure at{" "}
                <LocalTime at={recovery.dataLoss.failedAt} />.
              </>
            ) : (
              <>: {recovery.dataLoss.text}.</>
            )}{" "}
            {recovery.fromNodeBack ? `${recovery.fromNode} is back; its own disks still hold the writes made after that copy until the next sync back discards them.` : `${recovery.fromNode} is still offline.`}
          </p>
        )}
      </AlertDescription>
    </Alert>
  );
}
