import { deriveJobView, JOB_VIEW_SELECT, type StoredJob } from "./job-view";

// Rows as the replication pages show them: the stored job plus its view (deriveJobView), the
// guest's name and the cluster's. Dates become ISO strings so pages and the JSON API agree.

/** Prisma `select` for a job table row. */
export const JOB_ROW_SELECT = {
  ...JOB_VIEW_SELECT,
  id: true, clusterId: true, rate: true, comment: true, stateReadAt: true,
} as const;

export type JobRowRecord = StoredJob & { id: string; clusterId: string; rate: number | null; comment: string | null; stateReadAt: Date | null };
type GuestInfo = { name: string | null; type: string; node: string };

/**
 * A job as the tables show it. `clusterNow` is the cluster's clock the view was derived at, so the
 * browser can say "in 4m" against Proxmox's times; `status`, `statusMessage` and `lagSeconds` are
 * the view at that clock, never the poller's older figures.
 */
export function toJobView<T extends JobRowRecord>(
  job: T,
  context: { clusterName: string; guest: GuestInfo | undefined; clusterNow: number; targetOnline: boolean | null; timeZone: string | null },
) {
  const view = deriveJobView(job, { clusterNow: context.clusterNow, targetOnline: context.targetOnline, timeZone: context.timeZone });
  return {
    ...job,
    stateReadAt: job.stateReadAt?.toISOString() ?? null,
    status: view.status,
    statusMessage: view.message,
    clusterName: context.clusterName,
    guestName: context.guest?.name ?? null,
    guestType: context.guest?.type ?? null,
    guestNode: context.guest?.node ?? job.source,
    lagSeconds: view.lagSeconds,
    rpoSeconds: view.rpoSeconds,
    rpoIsDefault: view.rpoIsDefault,
    rpoOverride: job.rpoSeconds,
    overRpo: view.overRpo,
    nextSyncAt: view.nextSyncAt,
    nextRetryAt: view.nextRetryAt,
    clusterNow: context.clusterNow,
  };
}
export type JobView = ReturnType<typeof toJobView<JobRowRecord>>;
