import type { DataLossWindow } from "@/lib/failover/outage";
import { ConfirmBlock } from "../operations/confirm-block";
import { CopyCommands } from "../operations/copy-commands";

/** The data-loss window, shown before the confirmation: the owner (dataLossWindow) wrote the words. */
export function DataLossLine({ loss }: { loss: DataLossWindow | null }) {
  if (!loss) return null;
  return (
    <p className={loss.kind === "no-replica" ? "text-status-fail text-sm" : "text-sm"} data-testid="recovery-data-loss">
      <span className="font-medium">Data-loss window:</span> {loss.text}.
    </p>
  );
}

export function QuorumWayOut({ quorum }: { quorum: { command: string; explanation: string } }) {
  return (
    <div className="grid gap-2 rounded-md border p-3" data-testid="quorum-way-out">
      <p className="text-sm font-medium">No quorum: nothing can be recovered until it is back.</p>
      <p className="text-sm">{quorum.explanation}</p>
      <CopyCommands commands={[quorum.command]} label="Only if quorum cannot come back otherwise" />
    </div>
  );
}

export function HowItMoves({ hasCredential, target }: { hasCredential: boolean; target: string }) {
  return hasCredential ? (
    <p className="text-sm">
      With the cluster&apos;s recovery credential pve-standby logs in to {target} over SSH, checks quorum there (<code>pvecm status</code>), moves the configuration and starts the guest through the API.
    </p>
  ) : (
    <p className="text-sm">
      This cluster has no recovery credential: after you start, run the commands below on {target} as root. pve-standby sees the configuration arrive there by itself, checks once more that the dead node is still offline, and starts the guest.
    </p>
  );
}

/** The end of a recovery dialog: no warnings to accept (the typed node name is the confirmation), "Not started" on a refusal. */
export function RecoveryConfirm(props: { error: Error | null; onCancel: () => void; blocked: boolean; pending: boolean; confirmLabel: string; onConfirm: () => void }) {
  return <ConfirmBlock id="recover-accept" acceptLabel={null} accepted={false} onAcceptedChange={() => undefined} errorTitle="Not started" {...props} />;
}
