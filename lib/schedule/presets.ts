export type SchedulePreset = { readonly value: string; readonly label: string };

/** The schedule choices PVE's job form offers (pve-manager www/manager6/form/CalendarEvent.js). */
export const SCHEDULE_PRESETS: readonly SchedulePreset[] = Object.freeze([
  { value: "*/30", label: "Every 30 minutes" },
  { value: "*/2:00", label: "Every two hours" },
  { value: "21:00", label: "Every day 21:00" },
  { value: "2,22:30", label: "Every day 02:30, 22:30" },
  { value: "mon..fri 00:00", label: "Monday to Friday 00:00" },
  { value: "mon..fri */1:00", label: "Monday to Friday: hourly" },
  { value: "mon..fri 7..18:00/15", label: "Monday to Friday, 07:00 to 18:45: Every 15 minutes" },
  { value: "sun 01:00", label: "Sunday 01:00" },
  { value: "monthly", label: "Every first day of the Month 00:00" },
  { value: "sat *-1..7 15:00", label: "First Saturday each month 15:00" },
  { value: "yearly", label: "First day of the year 00:00" },
]);
