import { JOB_STATUSES, type JobStatusName } from "./status";

// Client-safe words and tones for the derived job status. Colour never carries the meaning
// alone: every badge shows its label, and the tooltip the poller's full message.

export type StatusTone = "ok" | "warn" | "fail" | "unknown" | "syncing";

export const JOB_STATUS_DISPLAY: Record<JobStatusName, { label: string; tone: StatusTone }> = {
  failing: { label: "Failing", tone: "fail" },
  "waiting-target": { label: "Target offline", tone: "fail" },
  stale: { label: "Stale", tone: "unknown" },
  late: { label: "Late", tone: "warn" },
  "never-synced": { label: "Never synced", tone: "warn" },
  "removal-scheduled": { label: "Removal scheduled", tone: "unknown" },
  syncing: { label: "Syncing", tone: "syncing" },
  ok: { label: "OK", tone: "ok" },
  disabled: { label: "Disabled", tone: "unknown" },
};

export const PROTECTION_DISPLAY = {
  protected: { label: "Protected", tone: "ok" },
  attention: { label: "Needs attention", tone: "warn" },
  unprotected: { label: "Not replicated", tone: "unknown" },
} as const satisfies Record<string, { label: string; tone: StatusTone }>;

/** A stored status string as the typed name; anything unknown reads as stale, never as ok. */
export function parseJobStatus(status: string): JobStatusName {
  return status in JOB_STATUS_DISPLAY ? (status as JobStatusName) : "stale";
}

/** Statuses an operator has to look at: the overview's "Need attention" card and the job page's alert. */
export const ATTENTION_STATUSES: readonly JobStatusName[] = ["failing", "waiting-target", "stale", "late", "never-synced"];

export type StatusCounts = Record<JobStatusName, number>;

/**
 * Jobs counted by status, every status present (0 when none). The overview's cards and its
 * filter chips both come from this one grouping and show it with `JOB_STATUS_DISPLAY`'s words.
 */
export function countByStatus(jobs: { status: JobStatusName }[]): StatusCounts {
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const job of jobs) counts[job.status]++;
  return counts;
}
