import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { describeCalendarEvent, validateCalendarEvent } from "@/lib/schedule/calendar-event";

/** A Proxmox calendar event as written, with its meaning in words on hover or focus. */
export function ScheduleText({ schedule }: { schedule: string }) {
  const words = validateCalendarEvent(schedule).ok ? describeCalendarEvent(schedule) : "Not a valid calendar event";
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <button type="button" className="rounded font-mono text-xs underline decoration-dotted underline-offset-4 focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none" aria-label={`Schedule ${schedule}: ${words}`}>
          {schedule}
        </button>
      </TooltipTrigger>
      <TooltipContent>{words}</TooltipContent>
    </Tooltip>
  );
}
