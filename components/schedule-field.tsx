"use client";

import { useId, useState } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { SCHEDULE_PRESETS, describeCalendarEvent, nextEvents, validateCalendarEvent } from "@/lib/schedule/calendar-event";

const CUSTOM = "__custom__";

/**
 * Proxmox calendar event with its presets, validated as typed with Proxmox's own rules, and the
 * next five runs in the zone of the node that runs the job (its local time drives the schedule).
 * `timeZone` null = not known (still asking Proxmox, or it could not be asked): the preview is
 * then in UTC and says so with `zoneUnknown`, since a node on another zone runs at other hours.
 */
export function ScheduleField({
  value,
  onChange,
  timeZone,
  zoneUnknown,
  error,
}: {
  value: string;
  onChange: (value: string) => void;
  timeZone: string | null;
  zoneUnknown?: string;
  error?: string;
}) {
  const id = useId();
  // Fixed when the dialog opens: the preview should not shift while the operator types.
  const [from] = useState(() => Math.floor(Date.now() / 1000));
  const check = value.trim() ? validateCalendarEvent(value.trim()) : { ok: false as const, error: "Enter a schedule, e.g. */15." };
  const zone = timeZone ?? "UTC";
  let runs: number[] = [];
  if (check.ok) {
    try {
      runs = nextEvents(value.trim(), from, 5, { timeZone: zone });
    } catch {
      runs = [];
    }
  }
  const preset = SCHEDULE_PRESETS.find((p) => p.value === value.trim())?.value ?? CUSTOM;
  const message = error ?? (check.ok ? undefined : check.error);
  const fmt = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: zone });

  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>Schedule</Label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <Select value={preset} onValueChange={(v) => v !== CUSTOM && onChange(v)}>
          <SelectTrigger aria-label="Schedule preset" className="sm:w-56">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={CUSTOM}>Custom</SelectItem>
            {SCHEDULE_PRESETS.map((p) => (
              <SelectItem key={p.value} value={p.value}>
                {p.label}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <Input
          id={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className="font-mono sm:flex-1"
          aria-invalid={Boolean(message)}
          aria-describedby={`${id}-help`}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <div id={`${id}-help`} aria-live="polite" className="text-xs">
        {message ? (
          <p className="text-destructive">{message}</p>
        ) : (
          <>
            <p className="text-muted-foreground">{describeCalendarEvent(value.trim())}</p>
            <p className="text-muted-foreground mt-1">
              Next runs ({zone}): {runs.length ? runs.map((t) => fmt.format(t * 1000)).join(" · ") : "never"}
            </p>
            {timeZone === null && (
              <p className="mt-1 text-amber-700 dark:text-amber-400" data-testid="zone-unknown">
                {`${zoneUnknown ?? "The node's time zone is not known"}: these times are UTC and may be off by the node's offset.`}
              </p>
            )}
          </>
        )}
      </div>
    </div>
  );
}
