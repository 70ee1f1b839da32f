"use client";

import { FormField } from "@/components/form-field";
import { ScheduleField } from "@/components/schedule-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import type { FieldErrors } from "@/lib/http/form-errors";

export type JobSettings = { schedule: string; rate: string; comment: string; enabled: boolean };

/** Schedule, rate, comment and enabled: the settable part of a job, shared by add and edit. */
export function JobSettingsFields({
  value,
  onChange,
  errors,
  timeZone,
  zoneUnknown,
}: {
  value: JobSettings;
  onChange: (v: JobSettings) => void;
  errors: FieldErrors;
  timeZone: string | null;
  /** Why `timeZone` is null, for the schedule preview. */
  zoneUnknown?: string;
}) {
  return (
    <>
      <ScheduleField value={value.schedule} onChange={(schedule) => onChange({ ...value, schedule })} timeZone={timeZone} zoneUnknown={zoneUnknown} error={errors.schedule} />
      <FormField label="Rate limit (MB/s)" error={errors.rate} hint="Megabytes per second for the zfs send stream. Empty = no limit.">
        {(p) => <Input {...p} inputMode="decimal" value={value.rate} onChange={(e) => onChange({ ...value, rate: e.target.value })} />}
      </FormField>
      <FormField label="Comment" error={errors.comment}>
        {(p) => <Textarea {...p} rows={2} maxLength={4096} value={value.comment} onChange={(e) => onChange({ ...value, comment: e.target.value })} />}
      </FormField>
      <div className="flex items-center gap-3">
        <Switch id="job-enabled" checked={value.enabled} onCheckedChange={(enabled) => onChange({ ...value, enabled })} />
        <Label htmlFor="job-enabled">Enabled</Label>
      </div>
    </>
  );
}

/** The form's text fields as the API's values: empty rate = unlimited (null). */
export function parseRate(text: string): number | null {
  return text.trim() === "" ? null : Number(text.replace(",", "."));
}
