/**
 * One item of a field list, as proxmox-time stores it: `5` (single), `1..5` (range),
 * `*\/15`, `5/10` or `8..17/2` (repeated). `end` is inclusive; null means the
 * repetition is open-ended and may overshoot the field maximum (a Proxmox quirk the
 * search reproduces). `step` is 0 for a single value and 1 for a range.
 */
export type DateTimeValue = {
  readonly kind: "single" | "range" | "repeated";
  readonly start: number;
  readonly end: number | null;
  readonly step: number;
};

/** A parsed calendar event. An empty field list means "any value". */
export type CalendarEvent = {
  /** The trimmed spec text it was parsed from. */
  readonly spec: string;
  /** True when the spec ends in `UTC`: evaluated in UTC whatever the time zone option. */
  readonly utc: boolean;
  /** Bit 0 = Monday … bit 6 = Sunday; 0 means any day. */
  readonly weekdays: number;
  readonly year: readonly DateTimeValue[];
  readonly month: readonly DateTimeValue[];
  readonly day: readonly DateTimeValue[];
  readonly hour: readonly DateTimeValue[];
  readonly minute: readonly DateTimeValue[];
  readonly second: readonly DateTimeValue[];
};

export const ALL_WEEKDAYS = 0x7f;

/** A spec Proxmox would reject, or a next-event computation Proxmox would fail. */
export class CalendarEventError extends Error {
  override readonly name = "CalendarEventError";
  /** The text as given by the caller. */
  readonly spec: string;
  /** 0-based index into the trimmed spec where the problem was found, when known. */
  readonly position: number | null;

  constructor(message: string, spec: string, position: number | null = null) {
    super(message);
    this.spec = spec;
    this.position = position;
  }
}
