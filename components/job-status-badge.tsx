import { StatusBadge } from "@/components/status-badge";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import type { JobStatusName } from "@/lib/replication/status";
import { JOB_STATUS_DISPLAY } from "@/lib/replication/status-display";

/** The derived job status; hover or focus shows the poller's full message (with Proxmox's error). */
export function JobStatusBadge({ status, message }: { status: JobStatusName; message?: string | null }) {
  const { label, tone } = JOB_STATUS_DISPLAY[status];
  if (!message) return <StatusBadge status={tone}>{label}</StatusBadge>;
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <button type="button" className="rounded-md focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none" aria-label={`${label}: ${message}`}>
          <StatusBadge status={tone}>{label}</StatusBadge>
        </button>
      </TooltipTrigger>
      <TooltipContent className="max-w-sm break-words">{message}</TooltipContent>
    </Tooltip>
  );
}
